using MarketDelivery.Contracts.Dispatch;
using MarketDelivery.Domain.Markets;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;

namespace MarketDelivery.Grains.Dispatch;

/// <summary>
/// Wakes every catalogue market's dispatcher once a silo is up. A dispatcher registers its tick reminder when it
/// activates and never drops it, and the tick catches up with the stored orders; so even the first order of a market
/// whose message to the dispatcher was lost in a crash is planned within a tick. A market dispatcher hands its orders to
/// its district's dispatcher when it activates, which wakes that one too. Cheap and idempotent: a dispatcher that is
/// already active just answers.
/// </summary>
internal sealed class DispatcherKeeper(IGrainFactory grains, MarketCatalog catalog, DispatchRuntimeOptions options, ILogger<DispatcherKeeper> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
    {
        if (options.WakeDispatchersOnStart)
        {
            lifecycle.Subscribe(nameof(DispatcherKeeper), ServiceLifecycleStage.Active, (CancellationToken started) =>
            {
                // Not awaited: the silo must finish starting (and join the cluster) before the calls can be placed.
                _ = Task.Run(WakeAll);
                return Task.CompletedTask;
            });
        }
    }

    private async Task WakeAll()
    {
        foreach (var market in catalog.Markets)
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await grains.GetGrain<IDispatcherGrain>(market.Id).GetBoard();
                    break;
                }
                catch (Exception ex) when (attempt < 10)
                {
                    logger.LogDebug(ex, "Waking the dispatcher of {MarketId} failed (attempt {Attempt}); retrying", market.Id, attempt);
                    await Task.Delay(TimeSpan.FromSeconds(attempt));
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "The dispatcher of {MarketId} could not be woken; it wakes with its next order", market.Id);
                    break;
                }
            }
        }
    }
}
