// What bench:generate adds to the autocannon options declared in ../autocannon.d.ts: a body.
declare module "autocannon" {
  interface Options {
    body?: string | Buffer;
  }
}
