/** A provider's event post as it would send it: where, the exact body, and its headers. */
export interface SignedPost {
  url: string;
  body: string;
  headers: Record<string, string>;
}

/** Posts it as the provider would (JSON unless the headers say otherwise). */
export async function deliver(post: SignedPost): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(post.url, { method: 'POST', body: post.body, headers: { 'content-type': 'application/json', ...post.headers } });
  const text = await res.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}
