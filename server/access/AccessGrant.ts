/** What an access token lets its bearer do, once verified. */
export interface AccessGrant {
  /** Exact document names, or prefixes ending in `*` (`"team-*"`; `"*"` is every document). */
  documents: string[];
  /** `read`: receives every change, but the server drops whatever document changes it sends. */
  access: 'write' | 'read';
  /** Who the bearer is to the others (`Guest` when the token names nobody): stamped into their presence, whatever their client claims. */
  identity: PeerIdentity;
  /** When the token stops working. */
  expiresAt: Date;
}

/** The name and colour other people see on a peer's caret and avatar. */
export interface PeerIdentity {
  name: string;
  color: string;
}
