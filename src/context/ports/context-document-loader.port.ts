/**
 * Fetches remote JSON-LD @context documents for the context service (NGSI-LD 5.5.7,
 * contexts.md §1). Adapter: src/adapters/http/http-context-document-loader.ts.
 */
export interface ContextDocumentLoader {
  /**
   * Returns the parsed JSON document at `url`. Throws `ldContextNotAvailable` on a network
   * error, timeout, non-2xx status, a body that is not JSON or is over the size limit, and
   * `badRequestData` when `url` is not an absolute http(s) URL.
   */
  load(url: string): Promise<unknown>;
}
