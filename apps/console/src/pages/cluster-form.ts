import type { SchedulerCluster, SeedPeerCluster } from '../api-types.js';
import { checkbox, field, input, textarea } from '../components/form-field.js';
import { h } from '../dom.js';
import { lines } from '../format.js';

export interface ClusterForm {
  el: HTMLElement;
  /** The request body, or an error sentence for the first invalid field. */
  value(): { ok: true; body: Record<string, unknown> } | { ok: false; error: string };
}

function intInput(value: number | undefined, min: number, max: number, attrs: Record<string, unknown> = {}): HTMLInputElement {
  return input({ type: 'number', min, max, step: 1, inputmode: 'numeric', ...attrs, props: { value: value === undefined ? '' : String(value) } });
}

function readInt(el: HTMLInputElement, label: string, min: number, max: number, optional = false): number | undefined | string {
  const raw = el.value.trim();
  if (raw === '' && optional) return undefined;
  const n = Number(raw);
  if (raw === '' || !Number.isInteger(n) || n < min || n > max) return `${label} must be a whole number from ${min} to ${max}.`;
  return n;
}

/** Scheduler cluster fields (name, limits, scopes, linked seed peer clusters), for create and edit. */
export function clusterForm(opts: { cluster?: SchedulerCluster; seedPeerClusters: readonly SeedPeerCluster[]; readOnly: boolean }): ClusterForm {
  const c = opts.cluster;
  const dis = opts.readOnly ? { disabled: true } : {};
  // Examples only where something can be typed: read-only forms would show them as if they were values.
  const ph = (example: string): Record<string, string> => (opts.readOnly ? {} : { placeholder: example });
  const name = input({ required: true, maxlength: 255, pattern: '[A-Za-z0-9][A-Za-z0-9_.\\-]*', ...dis, props: { value: c?.name ?? '' } });
  const bio = input({ maxlength: 4096, ...dis, props: { value: c?.bio ?? '' } });
  const candidate = intInput(c?.config.candidate_parent_limit ?? 4, 1, 20, dis);
  const filter = intInput(c?.config.filter_parent_limit ?? 15, 10, 1000, dis);
  const jobRate = intInput(c?.config.job_rate_limit ?? 10, 1, 1_000_000, dis);
  const loadLimit = intInput(c?.client_config.load_limit ?? 200, 1, 50_000, dis);
  const pieces = intInput(c?.client_config.concurrent_piece_count, 1, 50, { ...dis, placeholder: 'client default' });
  const seedLoad = intInput(c?.seed_client_config.load_limit, 1, 50_000, { ...dis, placeholder: 'seed default' });
  const idc = input({ maxlength: 1024, ...dis, ...ph('idc-a|idc-b'), props: { value: c?.scopes.idc ?? '' } });
  const location = input({ maxlength: 1024, ...dis, ...ph('region|zone'), props: { value: c?.scopes.location ?? '' } });
  const cidrs = textarea({ ...dis, ...ph('10.0.0.0/8'), props: { value: (c?.scopes.cidrs ?? []).join('\n') } });
  const hostnames = textarea({ ...dis, ...ph('^node-[0-9]+$'), props: { value: (c?.scopes.hostnames ?? []).join('\n') } });
  const isDefault = checkbox('Default cluster (peers that match no scope land here)', c?.is_default ?? false, dis);
  const links = opts.seedPeerClusters.map((s) => ({ id: s.id, box: checkbox(s.name, (c?.seed_peer_cluster_ids ?? []).includes(s.id), dis) }));

  const el = h(
    'div',
    { class: 'form-grid' },
    h('fieldset', null, h('legend', null, 'Cluster'), field('Name', name), field('Description', bio), isDefault.el),
    h(
      'fieldset',
      null,
      h('legend', null, 'Scheduling'),
      h('div', { class: 'row-2' }, field('Candidate parents', candidate, 'Parents offered per peer, 1–20.'), field('Filter parents', filter, 'Parents evaluated, 10–1000.')),
      h('div', { class: 'row-2' }, field('Job rate limit', jobRate, 'Jobs per second.'), field('Peer load limit', loadLimit, 'Concurrent uploads per peer.')),
      h('div', { class: 'row-2' }, field('Concurrent pieces', pieces, 'Optional, 1–50.'), field('Seed peer load limit', seedLoad, 'Optional.')),
    ),
    h(
      'fieldset',
      null,
      h('legend', null, 'Scopes'),
      h('div', { class: 'row-2' }, field('IDC', idc), field('Location', location)),
      h('div', { class: 'row-2' }, field('CIDRs', cidrs, 'One per line.'), field('Host names', hostnames, 'Regular expressions, one per line.')),
    ),
    links.length === 0 ? null : h('fieldset', null, h('legend', null, 'Seed peer clusters'), h('div', { class: 'checks' }, links.map((l) => l.box.el))),
  );

  return {
    el,
    value() {
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name.value.trim())) return { ok: false, error: 'Name: letters, digits, "_", "." and "-", starting with a letter or digit.' };
      const nums: Record<string, number | undefined> = {};
      for (const [key, el, label, min, max, opt] of [
        ['candidate', candidate, 'Candidate parents', 1, 20, false],
        ['filter', filter, 'Filter parents', 10, 1000, false],
        ['jobRate', jobRate, 'Job rate limit', 1, 1_000_000, false],
        ['load', loadLimit, 'Peer load limit', 1, 50_000, false],
        ['pieces', pieces, 'Concurrent pieces', 1, 50, true],
        ['seedLoad', seedLoad, 'Seed peer load limit', 1, 50_000, true],
      ] as const) {
        const v = readInt(el, label, min, max, opt);
        if (typeof v === 'string') return { ok: false, error: v };
        nums[key] = v;
      }
      const body: Record<string, unknown> = {
        name: name.value.trim(),
        bio: bio.value.trim(),
        is_default: isDefault.input.checked,
        config: { candidate_parent_limit: nums.candidate, filter_parent_limit: nums.filter, job_rate_limit: nums.jobRate },
        client_config: { load_limit: nums.load, ...(nums.pieces === undefined ? {} : { concurrent_piece_count: nums.pieces }) },
        seed_client_config: nums.seedLoad === undefined ? {} : { load_limit: nums.seedLoad },
        scopes: {
          ...(idc.value.trim() === '' ? {} : { idc: idc.value.trim() }),
          ...(location.value.trim() === '' ? {} : { location: location.value.trim() }),
          cidrs: lines(cidrs.value),
          hostnames: lines(hostnames.value),
        },
        seed_peer_cluster_ids: links.filter((l) => l.box.input.checked).map((l) => l.id),
      };
      return { ok: true, body };
    },
  };
}
