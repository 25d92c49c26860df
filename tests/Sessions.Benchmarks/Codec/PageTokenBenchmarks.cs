using Sessions.Paging;

namespace Sessions.Benchmarks.Codec;

/// <summary>Continuation tokens: encoded once per page, decoded (and verified) before any I/O of the next.</summary>
[MemoryDiagnoser]
public class PageTokenBenchmarks
{
    private readonly PageQuery _query = PageQuery.ForUser(BenchmarkData.User);
    private readonly PageCursor[] _cursors = [PageCursor.After(SessionTimestamp.Format(BenchmarkData.Now), BenchmarkData.Session.Id)];
    private PageRequest _page = null!;

    [GlobalSetup]
    public void GlobalSetup() => _page = new PageRequest(BenchmarkData.PageSize, PageToken.Encode(_query, _cursors));

    [Benchmark]
    public string Encode() => PageToken.Encode(_query, _cursors);

    [Benchmark]
    public string? Decode() => PageToken.Decode(_page, _query, streams: 1)[0].Id;
}
