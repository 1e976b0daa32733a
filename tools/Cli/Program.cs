using IntegrationServices.Cli;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl-C cancels the running call (an import then stores nothing); a second one ends the process.
    e.Cancel = !cancel.IsCancellationRequested;
    cancel.Cancel();
};
return await IntegrationCli.RunAsync(args, CliContext.FromProcess(), cancel.Token);
