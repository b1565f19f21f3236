// HEALTHCHECK for the Symphony image: GET /api/v1/state on the local port must answer 200.
// The port is $SYMPHONY_PORT (default 8080); $SYMPHONY_AUTH_TOKEN is sent as a bearer token when set.
const port = process.env.SYMPHONY_PORT ?? "8080";
const token = process.env.SYMPHONY_AUTH_TOKEN;
const headers = token ? { authorization: `Bearer ${token}` } : {};
try {
  const response = await fetch(`http://127.0.0.1:${port}/api/v1/state`, {
    headers,
    signal: AbortSignal.timeout(4000),
  });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
