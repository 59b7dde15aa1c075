/**
 * Text for records that are kept (a pass's recommendations and rejections, the migration history):
 * V8 keeps a template literal's result as a tree of its parts (≈ 32 B a part, a dozen parts in an
 * explanation), for as long as the record lives; joining the parts builds the same text as one flat
 * string.
 */

/**
 * A tag for template literals: the same text as the untagged literal, as one flat string. Values
 * are converted as a template literal converts them (String). O(length).
 */
export function flatText(strings: TemplateStringsArray, ...values: readonly unknown[]): string {
  const parts = new Array<string>(2 * values.length + 1);
  parts[0] = strings[0]!;
  for (let i = 0; i < values.length; i++) {
    parts[2 * i + 1] = String(values[i]);
    parts[2 * i + 2] = strings[i + 1]!;
  }
  return parts.join('');
}
