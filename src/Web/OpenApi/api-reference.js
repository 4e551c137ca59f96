// Starts Scalar's API reference on /docs (ApiReference.cs) with the service's OpenAPI document. A served file, not
// an inline script, so the page's Content-Security-Policy allows no inline script at all. Loaded before the bundle.

// The bundle's Zod probes for eval with Function(''), which the policy refuses (a violation report each load): tell it
// beforehand to use its interpreter.
globalThis.__zod_globalConfig = { jitless: true };

document.addEventListener('DOMContentLoaded', () => Scalar.createApiReference('#app', {
  url: '/openapi/v1.json',
  // Nothing leaves this service: no fonts from a CDN, no telemetry, and none of the controls that open Scalar's own
  // services (the agent chat, MCP, the developer tools).
  withDefaultFonts: false,
  telemetry: false,
  showDeveloperTools: 'never',
  agent: { disabled: true },
  mcp: { disabled: true },
}));
