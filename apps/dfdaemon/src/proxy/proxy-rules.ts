import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ProxyRuleConfig } from './proxy-config.js';
import { replyError, replyOnSocket, type ProxyContext, type ProxyHandler } from './proxy-handler.js';
import { BadTargetError, parseConnectTarget, requestTarget } from './request-target.js';

export const USE_P2P_HEADER = 'x-dragonfly-use-p2p';

/** Upstream's default rule: registry blobs. */
export const DEFAULT_RULE: ProxyRuleConfig = { regex: 'blobs/sha256.*', useTLS: false };

export interface P2pRoute {
  /** What the client asked for. */
  target: URL;
  /** What the P2P task fetches from the source (after the rule's useTLS/redirect). */
  source: URL;
  rule: ProxyRuleConfig;
}

export interface ConnectTarget {
  host: string;
  port: number;
}

/** The layer under the rules: what to do once the route is decided. */
export interface RoutedHandler {
  p2p(req: IncomingMessage, res: ServerResponse, ctx: ProxyContext, route: P2pRoute): void | Promise<void>;
  forward(req: IncomingMessage, res: ServerResponse, ctx: ProxyContext, target: URL): void | Promise<void>;
  intercept(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: ProxyContext, target: ConnectTarget): void | Promise<void>;
  tunnel(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: ProxyContext, target: ConnectTarget): void | Promise<void>;
}

export interface RulesOptions {
  rules: readonly ProxyRuleConfig[];
  /** registryMirror.addr: the default upstream in mirror mode, always intercepted. */
  registryMirror: string;
}

/**
 * Routing (upstream's order): a GET whose URL (without query) matches the first rule → P2P;
 * else a GET with `X-Dragonfly-Use-P2P: true` → P2P with the default rule; else forward.
 * CONNECT: only to port 443 or the registry's port; hosts named by a rule or the registry mirror
 * are intercepted, every other host gets a blind tunnel.
 */
export function rules(opts: RulesOptions, next: RoutedHandler): ProxyHandler {
  const compiled = opts.rules.map((rule) => ({ rule, re: new RegExp(rule.regex) }));
  const mirror = new URL(opts.registryMirror);
  const mirrorHost = mirror.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const allowedPorts = new Set([443, Number(mirror.port || (mirror.protocol === 'https:' ? 443 : 80))]);
  for (const { rule } of compiled) {
    if (rule.redirect !== undefined) {
      const r = new URL(`https://${rule.redirect}`);
      if (r.port !== '') allowedPorts.add(Number(r.port));
    }
  }

  const intercepted = (host: string, port: number): boolean => {
    if (host === mirrorHost) return true;
    return compiled.some(({ rule, re }) => namesHost(rule, re, host, port));
  };

  return {
    request(req, res, ctx) {
      let target: URL;
      try {
        target = requestTarget(req, ctx, opts.registryMirror);
      } catch (err) {
        if (err instanceof BadTargetError) return replyError(res, 400, 'proxy', err.message);
        throw err;
      }
      if (req.method === 'GET') {
        const bare = `${target.protocol}//${target.host}${target.pathname}`;
        const hit = compiled.find(({ re }) => re.test(bare))?.rule;
        const rule = hit ?? (String(req.headers[USE_P2P_HEADER]).toLowerCase() === 'true' ? DEFAULT_RULE : undefined);
        if (rule !== undefined) return next.p2p(req, res, ctx, { target, source: sourceUrl(target, rule), rule });
      }
      return next.forward(req, res, ctx, target);
    },
    connect(req, socket, head, ctx) {
      let target: ConnectTarget;
      try {
        target = parseConnectTarget(req.url);
      } catch (err) {
        if (err instanceof BadTargetError) return replyOnSocket(socket, 400, 'Bad Request', 'proxy', err.message);
        throw err;
      }
      if (!allowedPorts.has(target.port)) {
        return replyOnSocket(socket, 403, 'Forbidden', 'proxy', `CONNECT to port ${target.port} is not allowed`);
      }
      if (intercepted(target.host, target.port)) return next.intercept(req, socket, head, ctx, target);
      return next.tunnel(req, socket, head, ctx, target);
    },
  };
}

/** A rule names a host when its redirect is that host, its regex matches the host's root URL, or the regex spells the host out. */
function namesHost(rule: ProxyRuleConfig, re: RegExp, host: string, port: number): boolean {
  if (rule.redirect !== undefined && rule.redirect.toLowerCase().replace(/:\d+$/, '') === host) return true;
  const root = port === 443 ? `https://${host}/` : `https://${host}:${port}/`;
  if (re.test(root)) return true;
  const spelled = rule.regex.replace(/\\(.)/g, '$1').toLowerCase();
  const at = spelled.indexOf(host);
  if (at < 0) return false;
  // whole name only: "example.com" is not named by "registry.example.com"
  const before = spelled[at - 1] ?? '';
  const after = spelled[at + host.length] ?? '';
  return !/[a-z0-9.-]/.test(before) && !/[a-z0-9-]/.test(after);
}

function sourceUrl(target: URL, rule: ProxyRuleConfig): URL {
  const u = new URL(target.href);
  if (rule.useTLS) u.protocol = 'https:';
  if (rule.redirect !== undefined) u.host = rule.redirect;
  return u;
}
