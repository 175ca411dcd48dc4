/**
 * (Test support: named *.fixtures.ts so the build leaves it out.)
 *
 * A tiny, strict XML 1.0 reader for tests: enough to prove junit.xml is well-formed and to
 * count its elements, without a dependency. Throws on anything a real parser rejects that
 * our writer could produce: unbalanced or mismatched tags, a bare `&` or `<`, unknown
 * entities, forbidden characters, duplicate attributes, more than one root element.
 */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  /** Concatenated text content directly inside this element (entities decoded). */
  text: string;
}

const NAME = /^[A-Za-z_:][\w.:-]*/;
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: number): string {
  if (raw.includes('<')) throw new Error(`"<" in text or attribute at ${where}`);
  return raw.replace(/&([^;\s&]*);?/g, (match, ref: string) => {
    if (!match.endsWith(';')) throw new Error(`bare "&" at ${where}`);
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    const value = ENTITIES[ref];
    if (value === undefined) throw new Error(`unknown entity &${ref}; at ${where}`);
    return value;
  });
}

export function parseXml(source: string): XmlElement {
  const bad = FORBIDDEN.exec(source);
  if (bad) throw new Error(`forbidden character U+${(bad[0].codePointAt(0) ?? 0).toString(16)} at ${bad.index}`);
  let i = 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (i < source.length) {
    const lt = source.indexOf('<', i);
    const textEnd = lt === -1 ? source.length : lt;
    const raw = source.slice(i, textEnd);
    if (raw.length > 0) {
      const current = stack.at(-1);
      if (current) current.text += decode(raw, i);
      else if (raw.trim() !== '') throw new Error(`text outside the root element at ${i}`);
    }
    if (lt === -1) break;
    i = lt;
    if (source.startsWith('<?', i)) {
      const end = source.indexOf('?>', i);
      if (end === -1 || (root ?? stack.length > 0)) throw new Error(`bad processing instruction at ${i}`);
      i = end + 2;
    } else if (source.startsWith('<!--', i)) {
      const end = source.indexOf('-->', i);
      if (end === -1) throw new Error(`unterminated comment at ${i}`);
      i = end + 3;
    } else if (source.startsWith('</', i)) {
      const name = NAME.exec(source.slice(i + 2))?.[0];
      const end = source.indexOf('>', i);
      const open = stack.pop();
      if (!name || end === -1 || source.slice(i + 2 + name.length, end).trim() !== '') throw new Error(`bad end tag at ${i}`);
      if (!open || open.name !== name) throw new Error(`</${name}> at ${i} does not close <${open?.name ?? 'nothing'}>`);
      i = end + 1;
    } else {
      const name = NAME.exec(source.slice(i + 1))?.[0];
      if (!name) throw new Error(`bad tag at ${i}`);
      i += 1 + name.length;
      const attributes: Record<string, string> = {};
      for (;;) {
        const space = /^\s*/.exec(source.slice(i))?.[0] ?? '';
        i += space.length;
        if (source.startsWith('/>', i) || source.startsWith('>', i)) break;
        if (space.length === 0) throw new Error(`missing space before attribute at ${i}`);
        const attr = /^([A-Za-z_:][\w.:-]*)\s*=\s*("([^"]*)"|'([^']*)')/.exec(source.slice(i));
        if (!attr) throw new Error(`bad attribute at ${i}`);
        const key = attr[1]!;
        if (Object.hasOwn(attributes, key)) throw new Error(`duplicate attribute ${key} at ${i}`);
        attributes[key] = decode(attr[3] ?? attr[4] ?? '', i);
        i += attr[0].length;
      }
      const element: XmlElement = { name, attributes, children: [], text: '' };
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else if (root) throw new Error(`second root element <${name}> at ${i}`);
      else root = element;
      if (source.startsWith('/>', i)) i += 2;
      else {
        i += 1;
        stack.push(element);
      }
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.at(-1)!.name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

/** Every element named `name` under (and including) `element`, depth first. */
export function findAll(element: XmlElement, name: string): XmlElement[] {
  const found = element.name === name ? [element] : [];
  for (const child of element.children) found.push(...findAll(child, name));
  return found;
}
