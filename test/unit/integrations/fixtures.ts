// Stand-ins for node's request and response, enough for the integration core.
import { EventEmitter } from 'node:events';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';

export function fakeRequest(
  init: { method?: string; url?: string; headers?: IncomingHttpHeaders; remoteAddress?: string } = {},
): IncomingMessage {
  return {
    method: init.method ?? 'GET',
    url: init.url ?? '/',
    headers: init.headers ?? {},
    socket: { remoteAddress: init.remoteAddress ?? '127.0.0.1' },
  } as unknown as IncomingMessage;
}

/** A response that finishes or closes when told to. */
export class FakeResponse extends EventEmitter {
  statusCode = 200;
  headersSent = false;
  writableFinished = false;

  finish(status: number): void {
    this.statusCode = status;
    this.headersSent = true;
    this.writableFinished = true;
    this.emit('finish');
    this.emit('close');
  }

  abort(): void {
    this.emit('close');
  }

  asResponse(): ServerResponse {
    return this as unknown as ServerResponse;
  }
}
