using IntegrationServices.Reporting.Core.Application;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IntegrationServices.Reporting.Core.Tests.Application;

/// <summary>The fault point of operators' drills (Snapshots:FaultPoint / FaultMode).</summary>
public sealed class SnapshotFaultPointTests
{
    private static (SnapshotFaultPoint Point, List<(LogLevel Level, string Message)> Log) Create(SnapshotOptions options)
    {
        var log = new List<(LogLevel, string)>();
        return (new SnapshotFaultPoint(Options.Create(options), new ListLogger(log)), log);
    }

    [Fact]
    public void Off_by_default_it_does_nothing_and_says_nothing()
    {
        Assert.Null(new SnapshotOptions().FaultPoint);
        var (point, log) = Create(new SnapshotOptions());
        point.WarnIfSet();
        foreach (var step in Enum.GetValues<SnapshotStep>()) point.Reach(step, "2025");
        Assert.Empty(log);
    }

    [Fact]
    public void Set_it_warns_at_start_and_fails_every_attempt_at_its_step_only()
    {
        var (point, log) = Create(new SnapshotOptions { FaultPoint = SnapshotStep.DemographicsRead });
        point.WarnIfSet();
        var warning = Assert.Single(log);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("DemographicsRead", warning.Message);

        point.Reach(SnapshotStep.MeasuresRead, "2025");
        point.Reach(SnapshotStep.BeforeCommit, "2025");
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var failure = Assert.Throws<InvalidOperationException>(() => point.Reach(SnapshotStep.DemographicsRead, "2025"));
            Assert.Contains("fault point DemographicsRead", failure.Message);
            Assert.Contains("2025", failure.Message);
        }
    }

    private sealed class ListLogger(List<(LogLevel, string)> log) : ILogger<SnapshotFaultPoint>
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            log.Add((logLevel, formatter(state, exception)));
    }
}
