import { coversDocument } from '../../common/accessToken.js';
import { checkDocumentName } from '../../common/documentName.js';
import { CloseCode } from '../rooms/closeCodes.js';
import type { PeerOptions } from '../rooms/Peer.js';
import { AccessTokenError, verifyAccessToken } from './accessToken.js';
import { checkHost } from './checkHost.js';
import { checkOrigin } from './checkOrigin.js';

/** Who may connect: the server's access settings. */
export interface AccessPolicy {
  /** Tokens are required when set. */
  authSecret: string | null;
  /** Origins allowed besides the server's own (see `checkOrigin`). */
  allowedOrigins: readonly string[];
  /** The host name of `PUBLIC_URL`: the one name an open server answers to besides IP addresses and localhost (see `checkHost`). */
  publicHost: string | null;
}

/** What a WebSocket upgrade asks for, as read from the request. */
export interface ConnectionRequest {
  documentName: string;
  origin: string | undefined;
  host: string | undefined;
  token: string | undefined;
  wantsSavedState: boolean;
}

/** Either the peer's rights, or the close code and reason it is refused with. */
export type Admission =
  | { admitted: true; peer: PeerOptions; /** When the token stops working; the connection is closed then (4401). */ expiresAt: Date | null }
  | { admitted: false; code: number; reason: string };

/**
 * Decides whether a WebSocket may join a document, in the order a client can
 * fix things: the name (4400), the page's origin (4403), then the token
 * (4401) and whether it covers this document (4403), or, on an open server,
 * the host name it was reached by (4403, against DNS rebinding).
 */
export async function admitPeer(policy: AccessPolicy, request: ConnectionRequest): Promise<Admission> {
  const name = checkDocumentName(request.documentName);
  if (!name.ok) return { admitted: false, code: CloseCode.badRequest, reason: name.reason };
  if (!checkOrigin(request.origin, request.host, policy.allowedOrigins)) {
    return { admitted: false, code: CloseCode.forbidden, reason: `pages from ${request.origin ?? 'this origin'} may not connect to this server` };
  }
  if (policy.authSecret === null) {
    if (!checkHost(request.host, policy.publicHost)) {
      return { admitted: false, code: CloseCode.forbidden, reason: `this server does not answer to ${request.host ?? 'a missing Host'}; set PUBLIC_URL to its name` };
    }
    return { admitted: true, peer: { wantsSavedState: request.wantsSavedState }, expiresAt: null };
  }
  let grant;
  try {
    grant = await verifyAccessToken(policy.authSecret, request.token);
  } catch (error) {
    if (error instanceof AccessTokenError) return { admitted: false, code: CloseCode.unauthorized, reason: error.message };
    throw error;
  }
  if (!coversDocument(grant.documents, request.documentName)) {
    return { admitted: false, code: CloseCode.forbidden, reason: `this access token does not cover document "${request.documentName}"` };
  }
  return {
    admitted: true,
    peer: { wantsSavedState: request.wantsSavedState, readOnly: grant.access === 'read', identity: grant.identity },
    expiresAt: grant.expiresAt,
  };
}
