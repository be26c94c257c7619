/**
 * Break-glass (docs/architecture.md, "Roles and access"): a reason in `X-Break-Glass-Reason` widens reads to a
 * patient outside one's care team; the server refuses a reason under 10 characters and records every such request
 * as a high-priority AuditEvent. The SPA sends it on that patient's requests only.
 */
export const BREAK_GLASS_HEADER = 'X-Break-Glass-Reason';
export const MIN_BREAK_GLASS_REASON = 10;

export function breakGlassHeaders(reason: string | undefined | null): Record<string, string> {
  return reason ? { [BREAK_GLASS_HEADER]: reason } : {};
}
