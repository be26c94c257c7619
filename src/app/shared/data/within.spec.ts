import { BeforeHooks, settleWithin } from './within';

/** Lets pending promise callbacks run (several turns: the helpers chain a few). */
const drain = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('settleWithin', () => {
  let clock: jasmine.Clock;
  beforeEach(() => (clock = jasmine.clock()).install());
  afterEach(() => clock.uninstall());

  it('resolves true as soon as the work finishes, without waiting for the limit', async () => {
    await expectAsync(settleWithin(() => Promise.resolve('saved'), 1000)).toBeResolvedTo(true);
  });

  it('gives up after the time limit when the work never settles', async () => {
    let result: boolean | undefined;
    void settleWithin(() => new Promise(() => undefined), 1000).then((r) => (result = r));
    clock.tick(999);
    await drain();
    expect(result).toBeUndefined();
    clock.tick(1);
    await drain();
    expect(result).toBeFalse();
  });

  it('hands a failure to onError instead of rejecting', async () => {
    const errors: unknown[] = [];
    const work = (): never => {
      throw new Error('offline');
    };
    await expectAsync(settleWithin(work, 1000, (e) => errors.push(e))).toBeResolvedTo(true);
    expect((errors[0] as Error).message).toBe('offline');
  });
});

describe('BeforeHooks', () => {
  let clock: jasmine.Clock;
  beforeEach(() => (clock = jasmine.clock()).install());
  afterEach(() => clock.uninstall());

  it('runs every hook at once, each within the limit, and forgets an unregistered one', async () => {
    const hooks = new BeforeHooks(2000, 'test');
    const ran: string[] = [];
    const logged = spyOn(console, 'error');
    hooks.add(() => void ran.push('quick'));
    hooks.add(() => new Promise<void>(() => ran.push('stuck')));
    hooks.add(() => {
      ran.push('failing');
      throw new Error('boom');
    });
    hooks.add(() => void ran.push('removed'))();
    let done = false;
    void hooks.run().then(() => (done = true));
    clock.tick(1999);
    await drain();
    expect(done).toBeFalse();
    clock.tick(1);
    await drain();
    expect(done).toBeTrue();
    expect(ran.sort()).toEqual(['failing', 'quick', 'stuck']);
    expect(logged).toHaveBeenCalledTimes(1);
  });
});
