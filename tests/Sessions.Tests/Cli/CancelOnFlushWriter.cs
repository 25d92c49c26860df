namespace Sessions.Tests.Cli;

/// <summary>Standard output of a watch that presses Ctrl-C as soon as the first refresh is flushed.</summary>
internal sealed class CancelOnFlushWriter(CancellationTokenSource ctrlC) : StringWriter
{
    public override void Flush()
    {
        base.Flush();
        ctrlC.Cancel();
    }
}
