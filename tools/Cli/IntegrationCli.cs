using System.CommandLine;
using System.CommandLine.Invocation;
using Grpc.Core;
using IntegrationServices.Cli.Commands;

namespace IntegrationServices.Cli;

/// <summary>
/// <c>integration</c>: the commands of API.md ("Command line for coordinators and operators"). Every command
/// takes <c>--address</c>, <c>--token</c> and <c>--json</c>; every level answers <c>--help</c>. Exit codes:
/// 0 done, 1 the service refused or failed (one line on standard error), 2 the command line is wrong (one
/// line). No stack trace ever reaches the user.
/// </summary>
public static class IntegrationCli
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int Usage = 2;

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken ct = default)
    {
        try
        {
            var parsed = Build(context).Parse(args);
            if (parsed.Action is ParseErrorAction)
            {
                await context.Error.WriteLineAsync(OneLine(string.Join("; ", parsed.Errors.Select(e => e.Message))) + " (see --help)");
                return Usage;
            }
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Error,
                EnableDefaultExceptionHandler = false,
                // Ctrl-C is the host's (Program.cs cancels ct); a test host has no console to hook.
                ProcessTerminationTimeout = null,
            }, ct);
        }
        catch (CliException e)
        {
            await context.Error.WriteLineAsync(OneLine(e.Message));
            return e.ExitCode;
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && ct.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("cancelled");
            return Failure;
        }
        catch (RpcException e)
        {
            await context.Error.WriteLineAsync(OneLine(Failures.Describe(e)));
            return Failure;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            await context.Error.WriteLineAsync("cancelled");
            return Failure;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await context.Error.WriteLineAsync(OneLine(e.Message));
            return Failure;
        }
        catch (Exception e)
        {
            // A defect of the command line itself: still one line, never a stack trace on the user's screen.
            await context.Error.WriteLineAsync(OneLine($"unexpected error ({e.GetType().Name}): {e.Message}"));
            return Failure;
        }
    }

    private static RootCommand Build(CliContext context)
    {
        var session = new CliSession(context);
        var root = new RootCommand("Command line of the integration planning suite: measures, statistics, reporting cycles, snapshots and reports.")
        {
            // The tool's name, also where a host of its own runs it (dotnet run, tests).
            HelpName = "integration",
        };
        root.Options.Add(session.Address);
        root.Options.Add(session.Token);
        root.Options.Add(session.Json);
        root.Subcommands.Add(MeasuresCommand.Create(session));
        root.Subcommands.Add(ObservationsCommand.Create(session));
        root.Subcommands.Add(CyclesCommand.Create(session));
        root.Subcommands.Add(SnapshotsCommand.Create(session));
        root.Subcommands.Add(ReportCommand.Create(session));
        root.Subcommands.Add(TokenCommand.Create(session));
        return root;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}

/// <summary>A failure the command reports in one line, with its exit code (e.g. a file that does not exist: <see cref="IntegrationCli.Usage"/>).</summary>
public sealed class CliException(string message, int exitCode = IntegrationCli.Failure) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
