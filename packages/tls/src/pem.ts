const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([A-Za-z0-9+/=\r\n]+?)-----END \1-----/g;

export function toPem(label: string, der: Buffer): string {
  const base64 = der.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += 64) lines.push(base64.slice(i, i + 64));
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Every DER block with the given label, in file order. */
export function pemBlocks(text: string | Buffer, label: string): Buffer[] {
  const source = typeof text === 'string' ? text : text.toString('utf8');
  const out: Buffer[] = [];
  for (const match of source.matchAll(PEM_BLOCK)) {
    if (match[1] === label) out.push(Buffer.from(match[2]!.replace(/\s+/g, ''), 'base64'));
  }
  return out;
}

export function certificateDers(text: string | Buffer): Buffer[] {
  return pemBlocks(text, 'CERTIFICATE');
}
