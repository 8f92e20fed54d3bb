using MarketDelivery.Dispatch;
using Microsoft.Extensions.DependencyInjection;

namespace MarketDelivery.Grains.Dispatch;

public static class DispatchServiceCollectionExtensions
{
    /// <summary>What the dispatcher grain needs: the planner (great-circle travel unless one is given) and its options.</summary>
    public static IServiceCollection AddDispatch(this IServiceCollection services, DispatchRuntimeOptions? options = null, DispatchPlanner? planner = null)
    {
        services.AddSingleton(options ?? new DispatchRuntimeOptions());
        services.AddSingleton(planner ?? new DispatchPlanner());
        return services;
    }
}
