using MarketDelivery.Routing.Travel;

namespace MarketDelivery.Dispatch;

/// <summary>
/// Turns a dispatch snapshot into a routing problem, solves it and maps the result back to courier routes with
/// ETAs. Pure and thread-safe per call: the dispatcher grain runs it off its turn, the simulator calls it directly.
/// </summary>
public sealed class DispatchPlanner(ITravelMatrixSource? travel = null)
{
    public ITravelMatrixSource Travel { get; } = travel ?? new GreatCircleTravelSource();

    public DispatchPlan Plan(DispatchSnapshot snapshot, DispatchSettings settings, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException("The dispatch planner is being written.");
}
