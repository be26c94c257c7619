/**
 * Runs `work` and waits for it for at most `ms` milliseconds. A rejection is passed to `onError` (it never
 * rejects the returned promise), and the timer is cleared as soon as the work settles, so nothing is left
 * pending once the caller moves on. Resolves `true` when the work settled in time.
 */
export async function settleWithin(
  work: () => unknown,
  ms: number,
  onError: (error: unknown) => void = () => undefined,
): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)));
  const settled = Promise.resolve()
    .then(work)
    .then(
      () => true as const,
      (error: unknown) => (onError(error), true as const),
    );
  try {
    return await Promise.race([settled, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A set of hooks to run before something ends (a sign-out, a page leave). Each hook is given the same
 * time limit; one that fails or runs long is logged and never holds up the others or the caller.
 */
export class BeforeHooks {
  private readonly hooks = new Set<() => void | Promise<void>>();

  constructor(
    private readonly timeoutMs: number,
    private readonly label: string,
  ) {}

  /** Registers a hook; returns the function that unregisters it (fits `DestroyRef.onDestroy`). */
  add(hook: () => void | Promise<void>): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /** Runs every registered hook at once and resolves when each has settled or run out of time. */
  async run(): Promise<void> {
    await Promise.all(
      [...this.hooks].map((hook) =>
        settleWithin(hook, this.timeoutMs, (error) => console.error(`A ${this.label} hook failed`, error)),
      ),
    );
  }
}
