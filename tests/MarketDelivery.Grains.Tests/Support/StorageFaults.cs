using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.Storage;

namespace MarketDelivery.Grains.Tests.Support;

/// <summary>Which grain-state writes fail, decided by the test; shared by the silos of one test cluster.</summary>
public sealed class StorageFaults
{
    private volatile Func<string, GrainId, bool>? _failWrite;

    /// <summary>From now on, writes for which <paramref name="which"/>(storage name, grain) is true fail.</summary>
    public void FailWrites(Func<string, GrainId, bool> which) => _failWrite = which;

    public void Heal() => _failWrite = null;

    public bool ShouldFail(string storageName, GrainId grainId) => _failWrite?.Invoke(storageName, grainId) ?? false;
}

/// <summary>
/// Wraps a real grain storage (ADO.NET or the order store on PostgreSQL) and fails the writes the test chooses, the
/// way a database that is down or times out would: the write does not happen and the caller gets an exception.
/// </summary>
public sealed class FaultyGrainStorage(string name, IGrainStorage inner, StorageFaults faults) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        faults.ShouldFail(name, grainId)
            ? throw new TimeoutException($"Injected fault: storage '{name}' did not accept the write of {grainId}.")
            : inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);

    // The ADO.NET provider initialises itself in the silo lifecycle; it must still do so behind the wrapper.
    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);
}

public static class StorageFaultsServiceCollectionExtensions
{
    /// <summary>Puts a <see cref="FaultyGrainStorage"/> in front of every named grain storage registered so far.</summary>
    public static IServiceCollection AddStorageFaults(this IServiceCollection services, StorageFaults faults)
    {
        foreach (var registration in services.Where(d => d.ServiceType == typeof(IGrainStorage) && d.IsKeyedService).ToList())
        {
            services.Remove(registration);
            var name = registration.ServiceKey as string ?? throw new InvalidOperationException("A grain storage without a name.");
            services.AddKeyedSingleton<IGrainStorage>(registration.ServiceKey, (provider, key) =>
                new FaultyGrainStorage(name, Create(registration, provider, key), faults));
        }

        return services;
    }

    private static IGrainStorage Create(ServiceDescriptor registration, IServiceProvider provider, object? key) =>
        (IGrainStorage)(registration.KeyedImplementationFactory?.Invoke(provider, key)
                        ?? registration.KeyedImplementationInstance
                        ?? ActivatorUtilities.CreateInstance(provider, registration.KeyedImplementationType!));
}
