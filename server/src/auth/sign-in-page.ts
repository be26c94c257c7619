/**
 * The server-rendered sign-in page of the embedded authorization server: no external assets (inline
 * Material-like CSS, system fonts), labelled fields, visible focus, errors announced with role=alert.
 */

export interface SignInPageModel {
  readonly action: string;
  readonly clientName: string;
  readonly username?: string;
  readonly error?: string;
  /** Content-Security-Policy nonce for the inline style. */
  readonly nonce: string;
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const CSS = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;
 font-family:Roboto,"Segoe UI",system-ui,-apple-system,sans-serif;background:#f3f4f8;color:#1b1b1f}
main{width:100%;max-width:400px;margin:16px;background:#fff;border-radius:12px;padding:32px 28px;
 box-shadow:0 1px 3px rgba(0,0,0,.2),0 4px 12px rgba(0,0,0,.08)}
h1{font-size:1.5rem;font-weight:500;margin:0 0 4px}
p.sub{margin:0 0 24px;color:#44474f}
.field{display:flex;flex-direction:column;margin-bottom:20px}
label{font-size:.875rem;font-weight:500;margin-bottom:6px;color:#1b1b1f}
input{font:inherit;padding:12px 14px;border:1px solid #74777f;border-radius:4px;background:#fff;color:#1b1b1f}
input:focus{outline:2px solid #3f51b5;outline-offset:0;border-color:#3f51b5}
button{width:100%;font:inherit;font-weight:500;letter-spacing:.02em;padding:12px 16px;border:0;border-radius:20px;
 background:#3f51b5;color:#fff;cursor:pointer}
button:hover{background:#32408f}
button:focus-visible{outline:3px solid #1b1b1f;outline-offset:2px}
.alert{border-left:4px solid #b3261e;background:#fceeee;color:#8c1d18;padding:12px 14px;margin:0 0 20px;border-radius:4px}
footer{margin-top:20px;font-size:.8rem;color:#5d5f67}
`;

export function renderSignInPage(model: SignInPageModel): string {
  const error = model.error
    ? `<div class="alert" role="alert" id="signin-error">${escapeHtml(model.error)}</div>`
    : '';
  const described = model.error ? ' aria-describedby="signin-error" aria-invalid="true"' : '';
  return renderPage(
    'Sign in',
    model.nonce,
    `<h1>Sign in to Waypoint</h1>
<p class="sub">${escapeHtml(model.clientName)} is asking you to sign in.</p>
${error}
<form method="post" action="${escapeHtml(model.action)}" autocomplete="on" novalidate>
<div class="field">
<label for="username">User name</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required${described} value="${escapeHtml(model.username ?? '')}"${model.username ? '' : ' autofocus'}>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${described}${model.username ? ' autofocus' : ''}>
</div>
<button type="submit">Sign in</button>
</form>
<footer>Synthetic demo data only. Access is logged.</footer>`,
  );
}

/** CSP for the server-rendered pages: inline style by nonce only, forms to this server and the app. */
export function pageCsp(nonce: string, formOrigins: readonly string[]): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    `form-action 'self' ${formOrigins.join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/** RP-initiated logout confirmation: `form` is oidc-provider's hidden form (id op.logoutForm). */
export function renderSignOutPage(form: string, nonce: string): string {
  return renderPage(
    'Sign out',
    nonce,
    `<h1>Sign out of Waypoint?</h1>
<p class="sub">This ends your session on this device.</p>
${form}
<button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Sign out</button>`,
  );
}

/** A page of the authorization server: `title`, the inline style by `nonce`, and `content` as its main. */
function renderPage(title: string, nonce: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · Waypoint</title>
<style nonce="${escapeHtml(nonce)}">${CSS}</style>
</head>
<body>
<main>
${content}
</main>
</body>
</html>`;
}
