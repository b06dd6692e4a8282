import { messageOf } from '../api-error.js';
import type { Job, SchedulerCluster } from '../api-types.js';
import { openDialog } from '../components/dialog.js';
import { checkbox, field, input, select, textarea } from '../components/form-field.js';
import { noticeSlot } from '../components/notice.js';
import { button } from '../components/page-header.js';
import { h } from '../dom.js';
import type { PageContext } from '../page-context.js';
import type { PreheatScope } from '../preheat-args.js';
import { preheatRequest } from '../preheat-args.js';
import { href } from '../router.js';

/** The "new preheat" form: everything upstream's preheat accepts, advanced options folded away. */
export function preheatDialog(ctx: PageContext, clusters: readonly SchedulerCluster[]): void {
  const type = select(
    [
      ['image', 'Image (manifest URL)'],
      ['file', 'File (URLs)'],
    ],
    'image',
  );
  const urls = textarea({ rows: 2, required: true, placeholder: 'https://registry.example.com/v2/library/alpine/manifests/3.20', spellcheck: 'false' });
  const scope = select(
    [
      ['single_seed_peer', 'One seed peer (default)'],
      ['all_seed_peers', 'All seed peers'],
      ['all_peers', 'All peers'],
    ],
    'single_seed_peer',
  );
  const platform = input({ placeholder: 'linux/amd64', props: { value: '' } });
  const username = input({ autocomplete: 'off' });
  const password = input({ type: 'password', autocomplete: 'new-password' });
  const tag = input();
  const application = input();
  const filtered = input({ placeholder: 'Expires&Signature' });
  const headers = textarea({ rows: 2, placeholder: 'Name: value', spellcheck: 'false' });
  const ips = textarea({ rows: 2, placeholder: 'One IP per line' });
  const count = input({ type: 'number', min: 1 });
  const percentage = input({ type: 'number', min: 1, max: 100 });
  const pieceLength = input({ type: 'number', min: 4194304, placeholder: 'by content length' });
  const concurrentTasks = input({ type: 'number', min: 1, max: 100, placeholder: '8' });
  const concurrentPeers = input({ type: 'number', min: 1, max: 1000, placeholder: '500' });
  const timeout = input({ type: 'number', min: 1, max: 1440, placeholder: '60' });
  const bio = input({ maxlength: 1024, placeholder: 'Why this preheat' });
  const clusterBoxes = clusters.map((c) => ({ id: c.id, box: checkbox(c.name, clusters.length === 1) }));

  const imageOnly = h('div', { class: 'row-2' }, field('Platform', platform, 'For multi-platform images.'), field('Registry user name', username, 'Optional.'));
  const imagePassword = field('Registry password', password, 'Used once to fetch the manifest; not shown again.');
  const targetOptions = h(
    'div',
    { class: 'row-3' },
    field('Target IPs', ips, 'Explicit hosts first.'),
    field('Count', count, 'Else this many hosts.'),
    field('Percentage', percentage, 'Else this share.'),
  );
  const sync = (): void => {
    const image = type.value === 'image';
    imageOnly.hidden = !image;
    imagePassword.hidden = !image;
    urls.placeholder = image ? 'https://registry.example.com/v2/library/alpine/manifests/3.20' : 'https://example.com/files/model.bin\nhttps://example.com/files/data.tar';
    targetOptions.hidden = scope.value === 'single_seed_peer';
  };
  type.addEventListener('change', sync);
  scope.addEventListener('change', sync);
  sync();

  const slot = noticeSlot();
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Start preheat');
  const d = openDialog({
    title: 'New preheat',
    wide: true,
    body: h(
      'form',
      {
        'aria-label': 'New preheat',
        on: {
          submit: (e) => {
            e.preventDefault();
            slot.clear();
            let body;
            try {
              body = preheatRequest({
                type: type.value as 'image' | 'file',
                urls: urls.value,
                scope: scope.value as PreheatScope,
                tag: tag.value,
                application: application.value,
                platform: platform.value,
                filteredQueryParams: filtered.value,
                headers: headers.value,
                username: type.value === 'image' ? username.value : '',
                password: type.value === 'image' ? password.value : '',
                ips: scope.value === 'single_seed_peer' ? '' : ips.value,
                count: scope.value === 'single_seed_peer' ? '' : count.value,
                percentage: scope.value === 'single_seed_peer' ? '' : percentage.value,
                pieceLength: pieceLength.value,
                concurrentTaskCount: concurrentTasks.value,
                concurrentPeerCount: concurrentPeers.value,
                timeoutMinutes: timeout.value,
                schedulerClusterIds: clusterBoxes.filter((c) => c.box.input.checked).map((c) => c.id),
                bio: bio.value,
              });
            } catch (err) {
              return slot.show('error', messageOf(err));
            }
            submit.disabled = true;
            ctx.api.post<Job>('/api/v1/jobs', body).then(
              (job) => {
                d.close();
                ctx.toast('success', `Preheat job #${job.id} started.`);
                location.hash = href('jobs', job.id);
              },
              (err: unknown) => {
                submit.disabled = false;
                slot.show('error', messageOf(err));
              },
            );
          },
        },
      },
      h('div', { class: 'row-2' }, field('Type', type), field('Scope', scope)),
      field('URL', urls, 'An image takes its manifest URL; files take one URL per line.'),
      imageOnly,
      imagePassword,
      targetOptions,
      clusterBoxes.length === 0
        ? null
        : h('fieldset', null, h('legend', null, 'Scheduler clusters'), h('p', { class: 'hint' }, 'None checked: every cluster.'), h('div', { class: 'checks' }, clusterBoxes.map((c) => c.box.el))),
      h(
        'details',
        { class: 'advanced' },
        h('summary', null, 'Advanced options'),
        h('div', { class: 'row-2' }, field('Tag', tag, 'Part of the task ID.'), field('Application', application, 'Part of the task ID.')),
        h('div', { class: 'row-2' }, field('Filtered query parameters', filtered, 'Ignored when computing the task ID, &-separated.'), field('Piece length (bytes)', pieceLength)),
        field('Request headers', headers, 'Sent to the origin, one "Name: value" per line.'),
        h('div', { class: 'row-3' }, field('Concurrent tasks', concurrentTasks), field('Concurrent peers', concurrentPeers), field('Timeout (minutes)', timeout)),
        field('Description', bio),
      ),
      slot.el,
      h('div', { class: 'form-actions' }, button('Cancel', () => d.close()), submit),
    ),
  });
}
