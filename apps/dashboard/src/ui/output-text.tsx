import { JsonTree } from './json-tree.tsx';

/**
 * An untrusted output or payload: strings as preformatted text, anything else as a JSON tree.
 * Never HTML: React escapes every character, so markup shows up as the text it is.
 */
export const OutputText = ({ value, label }: { value: unknown; label?: string }) =>
  typeof value === 'string' ? (
    <pre className="lf-output" data-testid="output-text">
      {value}
    </pre>
  ) : (
    <JsonTree value={value} expandDepth={2} {...(label !== undefined && { label })} />
  );
