/**
 * Text from clusters and clouds we do not control: rendered as text only, cut with an ellipsis
 * when it does not fit, and whole on hover.
 */
export function Truncated({ text, className }: { text: string; className?: string }) {
  return (
    <span className={className ? `truncate ${className}` : 'truncate'} title={text}>
      {text}
    </span>
  );
}
