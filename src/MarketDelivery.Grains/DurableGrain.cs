using MarketDelivery.Contracts.Common;

namespace MarketDelivery.Grains;

/// <summary>
/// A grain that never answers from state its storage did not accept. Its changes are written through
/// <see cref="WriteAsync{T}"/>; when a write fails, the activation is spent: every later call to it is refused with
/// <see cref="StateNotStoredException"/> until it deactivates, and the next activation reads what was stored.
/// </summary>
public abstract class DurableGrain : Grain, IIncomingGrainCallFilter
{
    private string? _unstoredReason;

    /// <summary>True once a write failed: in-memory state may be ahead of storage, so timers must not act on it.</summary>
    protected bool IsSpent => _unstoredReason is not null;

    /// <summary>Writes <paramref name="state"/>; on failure spends this activation and throws <see cref="StateNotStoredException"/>.</summary>
    protected async Task WriteAsync<T>(IPersistentState<T> state)
    {
        try
        {
            await state.WriteStateAsync();
        }
        catch (Exception ex)
        {
            _unstoredReason = $"{GetType().Name} {this.GetGrainId()}: a change was not stored ({ex.GetType().Name}: {ex.Message}).";
            DeactivateOnIdle();
            throw new StateNotStoredException(_unstoredReason, ex);
        }
    }

    Task IIncomingGrainCallFilter.Invoke(IIncomingGrainCallContext context) =>
        _unstoredReason is null ? context.Invoke() : throw new StateNotStoredException(_unstoredReason);
}
