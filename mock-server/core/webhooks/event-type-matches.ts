// Klarna lets a webhook subscribe to event names and to family wildcards such as `payment.*`:
// https://docs.klarna.com/klarna-network-distribution/manage-partners/integration-setup-and-notifications/webhooks

/** True when `pattern` (an event name, or a family followed by `.*`) asks for `eventType`. */
export function eventTypeMatches(pattern: string, eventType: string): boolean {
  if (pattern === eventType) return true;
  // `payment.*` covers `payment.request.updated`, never `payments.x` nor `payment` itself.
  return pattern.endsWith('.*') && eventType.startsWith(pattern.slice(0, -1));
}

/** True when any of a webhook's `event_types` asks for `eventType`. */
export function anyEventTypeMatches(patterns: readonly string[], eventType: string): boolean {
  return patterns.some((pattern) => eventTypeMatches(pattern, eventType));
}
