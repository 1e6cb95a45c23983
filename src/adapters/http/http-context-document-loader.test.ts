import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isProblemDetails } from '../../ngsi-ld/problem-details.js';
import { DEFAULT_DENIED_NETWORKS } from '../../platform/config/network-list.js';
import { createHttpContextDocumentLoader } from './http-context-document-loader.js';

const CONTEXT = { '@context': { Vehicle: 'https://example.org/Vehicle' } };
const MAX_BYTES = 1024;

function route(request: IncomingMessage, response: ServerResponse): void {
  switch (request.url) {
    case '/context.jsonld':
      response.writeHead(200, { 'content-type': 'application/ld+json' });
      response.end(JSON.stringify(CONTEXT));
      return;
    case '/ld-only':
      response.writeHead(request.headers.accept?.startsWith('application/ld+json') ? 200 : 406);
      response.end(JSON.stringify(CONTEXT));
      return;
    case '/moved':
      response.writeHead(302, { location: '/context.jsonld' });
      response.end();
      return;
    case '/loop':
      response.writeHead(301, { location: '/loop' });
      response.end();
      return;
    case '/to-denied':
      // Same port, another loopback address: allowed at first, denied after the redirect.
      response.writeHead(302, {
        location: `http://127.0.0.2:${request.socket.localPort}/context.jsonld`,
      });
      response.end();
      return;
    case '/to-ftp':
      response.writeHead(302, { location: 'ftp://example.org/context.jsonld' });
      response.end();
      return;
    case '/never':
      return; // Never answers: the loader's timeout must end the wait.
    case '/huge':
      // Chunked, without Content-Length: the limit must be enforced while streaming.
      response.writeHead(200, { 'content-type': 'application/json' });
      response.write(`{"@context":{"a":"${'x'.repeat(MAX_BYTES)}`);
      response.end('"}}');
      return;
    case '/huge-declared':
      response.writeHead(200, { 'content-length': String(MAX_BYTES * 10) });
      response.end('x'.repeat(MAX_BYTES * 10));
      return;
    case '/not-json':
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<html>not a context</html>');
      return;
    default:
      response.writeHead(404);
      response.end('not found');
  }
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

function isError(status: number, name: string, detail?: RegExp) {
  return (error: unknown): boolean =>
    isProblemDetails(error) &&
    error.status === status &&
    error.type === `https://uri.etsi.org/ngsi-ld/errors/${name}` &&
    (detail === undefined || detail.test(error.detail));
}

describe('createHttpContextDocumentLoader', () => {
  const server = createServer(route);
  let base = '';
  const loader = createHttpContextDocumentLoader({ timeoutMs: 300, maxBytes: MAX_BYTES });

  before(async () => {
    base = `http://127.0.0.1:${await listen(server)}`;
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('load returns the parsed document when the server answers 200 with JSON', async () => {
    assert.deepEqual(await loader.load(`${base}/context.jsonld`), CONTEXT);
  });

  it('load asks for application/ld+json first', async () => {
    assert.deepEqual(await loader.load(`${base}/ld-only`), CONTEXT);
  });

  it('load follows redirects', async () => {
    assert.deepEqual(await loader.load(`${base}/moved`), CONTEXT);
  });

  it('load fails with LdContextNotAvailable after too many redirects', async () => {
    await assert.rejects(
      loader.load(`${base}/loop`),
      isError(504, 'LdContextNotAvailable', /redirects/),
    );
  });

  it('load fails with LdContextNotAvailable when redirected to a non-http URL', async () => {
    await assert.rejects(loader.load(`${base}/to-ftp`), isError(504, 'LdContextNotAvailable'));
  });

  it('load fails with LdContextNotAvailable on 404 (contexts.md §1)', async () => {
    await assert.rejects(
      loader.load(`${base}/missing`),
      isError(504, 'LdContextNotAvailable', /404/),
    );
  });

  it('load fails with LdContextNotAvailable when the server never answers', async () => {
    await assert.rejects(
      loader.load(`${base}/never`),
      isError(504, 'LdContextNotAvailable', /within 300 ms/),
    );
  });

  it('load fails with LdContextNotAvailable when a streamed body exceeds maxBytes', async () => {
    await assert.rejects(
      loader.load(`${base}/huge`),
      isError(504, 'LdContextNotAvailable', /larger/),
    );
  });

  it('load fails with LdContextNotAvailable when Content-Length exceeds maxBytes', async () => {
    await assert.rejects(
      loader.load(`${base}/huge-declared`),
      isError(504, 'LdContextNotAvailable', /larger/),
    );
  });

  it('load fails with LdContextNotAvailable when the body is not JSON (contexts.md §1)', async () => {
    await assert.rejects(
      loader.load(`${base}/not-json`),
      isError(504, 'LdContextNotAvailable', /not a JSON/),
    );
  });

  it('load fails with LdContextNotAvailable when the connection is refused', async () => {
    const closed = createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(
      loader.load(`http://127.0.0.1:${port}/context.jsonld`),
      isError(504, 'LdContextNotAvailable', /could not be fetched/),
    );
  });

  it('load rejects non-http(s) and relative URLs with BadRequestData', async () => {
    for (const url of ['ftp://example.org/c.jsonld', 'file:///etc/passwd', 'context.jsonld']) {
      await assert.rejects(loader.load(url), isError(400, 'BadRequestData'), url);
    }
  });
});

describe('createHttpContextDocumentLoader with contextDeniedNetworks', () => {
  const server = createServer(route);
  let port = 0;
  let requests = 0;
  server.on('request', () => (requests += 1));
  const loaderDenying = (deniedNetworks: string[]) =>
    createHttpContextDocumentLoader({ timeoutMs: 2_000, maxBytes: MAX_BYTES, deniedNetworks });

  before(async () => {
    port = await listen(server);
  });

  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('load refuses cloud metadata addresses with the default denied networks', async () => {
    const loader = loaderDenying([...DEFAULT_DENIED_NETWORKS]);
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://[::ffff:169.254.169.254]/',
    ]) {
      await assert.rejects(
        loader.load(url),
        isError(504, 'LdContextNotAvailable', /refused: .*\(contextDeniedNetworks\)$/),
        url,
      );
    }
  });

  it('load refuses an IP literal in a denied network without connecting', async () => {
    const before = requests;
    await assert.rejects(
      loaderDenying(['127.0.0.0/8']).load(`http://127.0.0.1:${port}/context.jsonld`),
      isError(
        504,
        'LdContextNotAvailable',
        /refused: 127\.0\.0\.1, in a network @context downloads may not reach \(contextDeniedNetworks\)$/,
      ),
    );
    assert.equal(requests, before);
  });

  it('load refuses a host name that resolves into a denied network (checked after DNS)', async () => {
    const before = requests;
    await assert.rejects(
      loaderDenying(['127.0.0.0/8', '::1/128']).load(`http://localhost:${port}/context.jsonld`),
      isError(
        504,
        'LdContextNotAvailable',
        /refused: localhost resolves to .*contextDeniedNetworks/,
      ),
    );
    assert.equal(requests, before);
  });

  it('load refuses a redirect into a denied network', async () => {
    await assert.rejects(
      loaderDenying(['127.0.0.2/32']).load(`http://127.0.0.1:${port}/to-denied`),
      isError(504, 'LdContextNotAvailable', /refused: 127\.0\.0\.2, .*contextDeniedNetworks/),
    );
  });

  it('load downloads from addresses outside the denied networks', async () => {
    const loader = loaderDenying([...DEFAULT_DENIED_NETWORKS]);
    assert.deepEqual(await loader.load(`http://localhost:${port}/moved`), CONTEXT);
  });
});
