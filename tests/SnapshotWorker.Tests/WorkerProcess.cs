using System.Diagnostics;

namespace IntegrationServices.SnapshotWorker.Tests;

/// <summary>
/// The built snapshot worker (its own Program) as a separate OS process, configured by environment
/// variables, its console log collected line by line so a test can wait for what the worker says.
/// </summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource Seen)> _waits = [];

    private WorkerProcess(Process process) => _process = process;

    /// <summary>Everything the worker has written so far (stdout and stderr).</summary>
    public string Log
    {
        get { lock (_lines) return string.Join('\n', _lines); }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts the worker's dll (built next to this test assembly through the project reference) with
    /// <c>dotnet</c>, with only the given settings on top of the environment (as <c>Section__Key</c>).
    /// </summary>
    public static WorkerProcess Start(IReadOnlyDictionary<string, string> settings)
    {
        var dll = typeof(SnapshotWorkerService).Assembly.Location;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Testing";
        start.Environment["DOTNET_ENVIRONMENT"] = "Testing";
        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__")] = value;

        var worker = new WorkerProcess(new Process { StartInfo = start });
        worker._process.OutputDataReceived += (_, e) => worker.Receive(e.Data);
        worker._process.ErrorDataReceived += (_, e) => worker.Receive(e.Data);
        worker._process.Start();
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        return worker;
    }

    private void Receive(string? line)
    {
        if (line is null) return;
        lock (_lines)
        {
            _lines.Add(line);
            foreach (var wait in _waits.Where(w => w.Match(line)).ToList())
            {
                _waits.Remove(wait);
                wait.Seen.TrySetResult();
            }
        }
    }

    /// <summary>
    /// Waits (bounded) until the worker has written <paramref name="count"/> lines matching
    /// <paramref name="match"/> and returns the last of them; null when the process ended before.
    /// </summary>
    public async Task<string?> WaitForLinesAsync(Func<string, bool> match, int count = 1)
    {
        var nth = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lines)
        {
            var remaining = count - _lines.Count(match);
            if (remaining <= 0) return _lines.Where(match).ElementAt(count - 1);
            _waits.Add((line => match(line) && --remaining == 0, nth));
        }
        var exited = _process.WaitForExitAsync();
        Task first;
        try
        {
            first = await Task.WhenAny(nth.Task, exited).WaitAsync(Bound);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The worker process did not write the awaited line within {Bound}. Its log:\n{Log}");
        }
        if (first != nth.Task) _process.WaitForExit(); // it has ended: its last lines may still be on their way
        lock (_lines) return _lines.Where(match).ElementAtOrDefault(count - 1);
    }

    /// <summary>SIGKILL: the process ends at once, in whatever it was doing; returns when it has ended.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await WaitForExitAsync();
    }

    /// <summary>Waits (bounded) for the process to end by itself.</summary>
    public async Task WaitForExitAsync()
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(Bound);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The worker process did not end within {Bound}. Its log:\n{Log}");
        }
        _process.WaitForExit(); // flushes the redirected output
    }

    public async ValueTask DisposeAsync()
    {
        try { await KillAsync(); } catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
