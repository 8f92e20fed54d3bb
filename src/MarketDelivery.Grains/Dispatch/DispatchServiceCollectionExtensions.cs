using MarketDelivery.Dispatch;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace MarketDelivery.Grains.Dispatch;

public static class DispatchServiceCollectionExtensions
{
    /// <summary>
    /// What the grains need besides storage and the catalogue: the planner (great-circle travel unless one is given),
    /// its options, the keeper that wakes every market's dispatcher when a silo starts, and empty test hooks.
    /// </summary>
    public static IServiceCollection AddDispatch(this IServiceCollection services, DispatchRuntimeOptions? options = null, DispatchPlanner? planner = null)
    {
        services.AddSingleton(options ?? new DispatchRuntimeOptions());
        services.AddSingleton(planner ?? new DispatchPlanner());
        services.TryAddSingleton(new GrainTestHooks());
        // Order settings: registered by the host from configuration first; defaults otherwise.
        services.TryAddSingleton(new Orders.OrderOptions());
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, DispatcherKeeper>();
        return services;
    }
}
