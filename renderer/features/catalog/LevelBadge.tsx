/** A service's level as a badge; "none" below the first level. Level names come from the rules file: text only. */
export function LevelBadge({ level }: { level: string | null }) {
  return (
    <span className={`badge level-badge level-${level ? level.replace(/[^a-z0-9-]/gi, '') : 'none'}`} data-testid="level-badge">
      {level ?? 'none'}
    </span>
  );
}
