using CsCheck;

namespace Sessions.Tests.Linearizability;

/// <summary>
/// One random history to run: sessions created first, one after another; then several callers, each making a few calls
/// one after another while the others make theirs, and the clock moving forward meanwhile, so that a session may expire
/// in the middle. <see cref="FaultSeed"/> decides which requests meet a fault on the wire, where there are faults.
/// </summary>
internal sealed record Scenario(int Sessions, TimeSpan Duration, Op[][] Callers, int[] ClockSteps, int FaultSeed)
{
    /// <summary>Gets how many calls the history holds, the creates included.</summary>
    public int Calls => Sessions + Callers.Sum(c => c.Length);

    public override string ToString() =>
        $"{Sessions} sessions of {Duration.TotalSeconds:0} s; clock steps {string.Join(",", ClockSteps)} s; fault seed {FaultSeed}; "
        + string.Join(" || ", Callers.Select((ops, i) => $"caller {i}: {string.Join(", ", ops.Select(o => o.ToString()))}"));

    /// <summary>
    /// Random scenarios: 2 sessions, 2–3 callers of 1–4 calls each (at most 12, with the creates 14), 0–3 clock steps of
    /// 1–8 s against sessions of 6–15 s. <paramref name="recreate"/> lets a caller create a session again after a delete.
    /// </summary>
    public static Gen<Scenario> Gen(bool recreate)
    {
        var revokers = CsCheck.Gen.OneOfConst("ops", "alice");
        var reasons = CsCheck.Gen.OneOfConst("leak", "offboarding");
        var target = CsCheck.Gen.Int[0, 1];
        var op = CsCheck.Gen.Frequency(
            (8, target.Select(t => (Op)new Op.Touch(t))),
            (4, target.Select(t => (Op)new Op.Get(t))),
            (4, CsCheck.Gen.Select(target, CsCheck.Gen.Long[1, 3], CsCheck.Gen.Int[4, 40], CsCheck.Gen.OneOfConst("a", "b"),
                (t, version, seconds, source) => (Op)new Op.Update(t, version, TimeSpan.FromSeconds(seconds), source))),
            (3, CsCheck.Gen.Select(target, revokers, reasons, (t, by, why) => (Op)new Op.Revoke(t, by, why))),
            (2, target.Select(t => (Op)new Op.Expire(t))),
            (recreate ? 1 : 0, target.Select(t => (Op)new Op.Delete(t))),
            (recreate ? 1 : 0, target.Select(t => (Op)new Op.Create(t))));
        var callers = CsCheck.Gen.Int[1, 4].SelectMany(n => op.Array[n]).Array[2, 3];
        return CsCheck.Gen.Select(CsCheck.Gen.Int[6, 15], callers, CsCheck.Gen.Int[1, 8].Array[0, 3], CsCheck.Gen.Int,
            (seconds, ops, steps, seed) => new Scenario(2, TimeSpan.FromSeconds(seconds), ops, steps, seed));
    }
}
