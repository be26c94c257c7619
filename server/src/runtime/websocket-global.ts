// @medplum/core 5 reads the global `WebSocket` while its modules load (its subscription client).
// Node 22 and later define it; Node 20 only behind a version-specific flag. Install the `ws`
// implementation where the global is missing, so that no script depends on a Node flag.
// Import this module before anything that loads @medplum/core (scripts/run-ts.mjs does it first).
import { WebSocket } from 'ws';

const scope = globalThis as { WebSocket?: unknown };
if (typeof scope.WebSocket === 'undefined') {
  scope.WebSocket = WebSocket;
}
