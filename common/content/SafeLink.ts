import { Link } from '@tiptap/extension-link';

/** How every link in a document is rendered, whatever the content that created it said. */
export const LINK_REL = 'noopener noreferrer nofollow';

/** Addresses a link may point to; anything else (`javascript:`, `data:`, …) is not a link. */
export const LINK_PROTOCOLS = ['http', 'https', 'mailto', 'tel'] as const;

/**
 * TipTap's Link with the attributes imported or pasted content could abuse
 * fixed: every link opens in a new tab with `rel="noopener noreferrer
 * nofollow"` and no class. Otherwise an imported `<a target="_top"
 * rel="opener" class="…">` would navigate the page that embeds the editor,
 * reach back into it, or borrow the app's styles.
 */
export const SafeLink = Link.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      target: { default: '_blank', parseHTML: () => '_blank', renderHTML: () => ({ target: '_blank' }) },
      rel: { default: LINK_REL, parseHTML: () => LINK_REL, renderHTML: () => ({ rel: LINK_REL }) },
      class: { default: null, parseHTML: () => null, renderHTML: () => ({}) },
    };
  },
});
