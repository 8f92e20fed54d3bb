namespace MarketDelivery.Grains;

/// <summary>
/// Points where fault tests step in: the server registers them only when test configuration asks for it
/// (e.g. a process that dies right after an order is written). Empty everywhere else.
/// </summary>
public sealed class GrainTestHooks
{
    /// <summary>Called with the order id and customer id right after a new order is stored, before anything else.</summary>
    public Action<string, string>? AfterOrderWritten { get; init; }

    /// <summary>
    /// Awaited on the thread pool before the fleet advice runs a step of the simulator, with the advice grain's key
    /// ("market/yyyy-MM-dd") and the step (<see cref="Markets.FleetAdviceGrain.ModelStep"/> or
    /// <see cref="Markets.FleetAdviceGrain.AdviceStep"/>): a test holds it to keep a computation running.
    /// </summary>
    public Func<string, string, Task>? BeforeFleetAdviceStep { get; init; }
}
