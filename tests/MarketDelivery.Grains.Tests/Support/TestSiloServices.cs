using System.Collections.Concurrent;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Dispatch;
using MarketDelivery.Domain;
using MarketDelivery.Grains.Dispatch;
using MarketDelivery.Domain.Markets;
using Microsoft.Extensions.Time.Testing;

namespace MarketDelivery.Grains.Tests.Support;

/// <summary>One event a grain pushed to clients.</summary>
public sealed record RecordedPush(string Group, string EventName, object Payload);

/// <summary>Records every push, thread-safe; a test can wait for a push it expects instead of sleeping.</summary>
public sealed class RecordingPushNotifier : IPushNotifier
{
    private readonly Lock _gate = new();
    private readonly List<RecordedPush> _pushes = [];
    private readonly List<(Func<RecordedPush, bool> Match, TaskCompletionSource<RecordedPush> Done)> _waiters = [];

    public Task PublishAsync(string group, string eventName, object payload, CancellationToken cancellationToken = default)
    {
        var push = new RecordedPush(group, eventName, payload);
        List<TaskCompletionSource<RecordedPush>> satisfied = [];
        lock (_gate)
        {
            _pushes.Add(push);
            foreach (var waiter in _waiters.Where(w => w.Match(push)).ToList())
            {
                _waiters.Remove(waiter);
                satisfied.Add(waiter.Done);
            }
        }

        foreach (var done in satisfied)
        {
            done.TrySetResult(push);
        }

        return Task.CompletedTask;
    }

    public IReadOnlyList<RecordedPush> Snapshot()
    {
        lock (_gate)
        {
            return [.. _pushes];
        }
    }

    /// <summary>Payloads of type <typeparamref name="T"/> pushed as <paramref name="eventName"/> to <paramref name="group"/>.</summary>
    public IReadOnlyList<T> Payloads<T>(string group, string eventName) =>
        [.. Snapshot().Where(p => p.Group == group && p.EventName == eventName).Select(p => p.Payload).OfType<T>()];

    /// <summary>The first push (already recorded or still to come) that matches, or a timeout.</summary>
    public async Task<RecordedPush> WaitForAsync(Func<RecordedPush, bool> match, TimeSpan timeout)
    {
        var done = new TaskCompletionSource<RecordedPush>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var already = _pushes.FirstOrDefault(match);
            if (already is not null)
            {
                return already;
            }

            _waiters.Add((match, done));
        }

        return await done.Task.WaitAsync(timeout);
    }
}

/// <summary>
/// What the silos of one test cluster share with its test class. Silo configurators are created by the TestingHost,
/// so they find their services here by a key passed through the cluster's configuration.
/// </summary>
public sealed class TestSiloServices
{
    private static readonly ConcurrentDictionary<string, TestSiloServices> Registry = new();
    private static readonly Lazy<MarketCatalog> SeedCatalog = new(() => SeedDataLoader.Load(SeedDataLoader.FindDataDirectory()));

    /// <summary>Monday 2026-11-23, 10:30 in Seoul: today's 13:00 slot of 망원시장 is bookable until 12:00.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 30, 0, TimeSpan.FromHours(9));

    private TestSiloServices(string key)
    {
        Key = key;
        Clock = new MarketClock(Time);
    }

    public string Key { get; }

    public static MarketCatalog Catalog => SeedCatalog.Value;

    /// <summary>Business time of the grains (<see cref="MarketClock"/>); Orleans keeps the real clock for itself.</summary>
    public FakeTimeProvider Time { get; } = new(Now);

    public MarketClock Clock { get; }

    public RecordingPushNotifier Push { get; } = new();

    /// <summary>Grain-state writes the test makes fail.</summary>
    public StorageFaults Faults { get; } = new();

    /// <summary>Dispatch runs fast here: short debounce and solves, a tick every second, a wave released 45 min before its slot.</summary>
    public DispatchRuntimeOptions Dispatch { get; init; } = FastDispatch;

    private static DispatchRuntimeOptions FastDispatch => new()
    {
        TickPeriod = TimeSpan.FromSeconds(1),
        ReplanDebounce = TimeSpan.FromMilliseconds(100),
        Planning = new DispatchSettings { SolveTimeLimit = TimeSpan.FromSeconds(0.5) },
    };

    public static TestSiloServices Create(Func<DispatchRuntimeOptions, DispatchRuntimeOptions>? dispatch = null)
    {
        var services = new TestSiloServices($"grains-{Guid.NewGuid():N}") { Dispatch = dispatch?.Invoke(FastDispatch) ?? FastDispatch };
        Registry[services.Key] = services;
        return services;
    }

    public static TestSiloServices Get(string key) =>
        Registry.TryGetValue(key, out var services) ? services : throw new InvalidOperationException($"No test services '{key}'.");

    public void Forget() => Registry.TryRemove(Key, out _);
}
