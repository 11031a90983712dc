/** Key caps, e.g. <Keys keys={['g', 's']} />; sequences read as "g then s". */
export function Keys({ keys }: { keys: string[] }) {
  return (
    <span className="keys" aria-label={keys.join(' ')}>
      {keys.map((key, i) => (
        <kbd key={i}>{key}</kbd>
      ))}
    </span>
  );
}
