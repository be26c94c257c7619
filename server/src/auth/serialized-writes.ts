/**
 * How the auth and audit tables write to the database they share with the FHIR store.
 *
 * The FHIR store keeps a SQLite transaction open across awaits (a transaction Bundle). A write made
 * on the same connection meanwhile would be swept into that transaction and lost if it rolls back —
 * an audit event gone, a token never stored. So writes go through the store's `exclusive()`, which
 * runs them once no FHIR transaction is open. Tests with a bare database use {@link immediateWrites}.
 */
export type SerializeWrites = <R>(write: () => R) => Promise<R>;

export const immediateWrites: SerializeWrites = async (write) => write();
