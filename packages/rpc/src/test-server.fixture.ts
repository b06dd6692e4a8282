import * as grpc from '@grpc/grpc-js';

/** Real servers and clients on port 0 for this package's tests; closed by `closeAll()`. */
export class TestServers {
  readonly #servers: grpc.Server[] = [];
  readonly #clients: grpc.Client[] = [];

  /** Binds with insecure credentials (only in this package's tests) and returns the address. */
  async listen(server: grpc.Server, address = '127.0.0.1:0'): Promise<string> {
    this.#servers.push(server);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    return address.startsWith('unix:') ? address : `127.0.0.1:${port}`;
  }

  client<C extends grpc.Client>(client: C): C {
    this.#clients.push(client);
    return client;
  }

  closeAll(): void {
    for (const c of this.#clients.splice(0)) c.close();
    for (const s of this.#servers.splice(0)) s.forceShutdown();
  }
}

export const insecure = (): grpc.ChannelCredentials => grpc.credentials.createInsecure();

export function unary<Res>(invoke: (callback: grpc.requestCallback<Res>) => unknown): Promise<Res | undefined> {
  return new Promise((resolve, reject) => {
    invoke((err, res) => (err ? reject(err) : resolve(res)));
  });
}
