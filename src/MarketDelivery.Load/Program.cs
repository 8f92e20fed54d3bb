namespace MarketDelivery.Load;

/// <summary>Entry point: <c>dotnet MarketDelivery.Load.dll [push] --base http://127.0.0.1:5000 ...</c>; see README.md.</summary>
public static class LoadProgram
{
    public static async Task<int> Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // First Ctrl+C: cancel the run (it ends without a LOAD line); a second one kills the process.
            if (!cancel.IsCancellationRequested)
            {
                e.Cancel = true;
                cancel.Cancel();
            }
        };
        try
        {
            // `push ...`: the live channel's latency across servers (PushBenchmark); anything else is the order load.
            return args.FirstOrDefault() == "push"
                ? await PushBenchmark.RunAsync(args[1..], Console.Out, Console.Error, cancel.Token)
                : await LoadBenchmark.RunAsync(args, Console.Out, Console.Error, cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("cancelled");
            return 2;
        }
    }
}
