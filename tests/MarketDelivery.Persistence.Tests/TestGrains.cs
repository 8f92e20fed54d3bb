using Orleans.Runtime;

namespace MarketDelivery.Persistence.Tests;

[GenerateSerializer]
public sealed class CounterState
{
    [Id(0)] public string Text { get; set; } = "";
    [Id(1)] public int Count { get; set; }
}

public interface IPersistentCounterGrain : IGrainWithStringKey
{
    Task Set(string text, int count);
    Task<CounterState> Get();
    Task<string?> GetETag();
    Task RegisterReminder(string name);
    Task<bool> HasReminder(string name);
}

/// <summary>A tiny grain whose state goes through the real provider under the "couriers" storage name (ADO.NET; "orders" has its own store).</summary>
public sealed class PersistentCounterGrain([PersistentState("x", "couriers")] IPersistentState<CounterState> state)
    : Grain, IPersistentCounterGrain, IRemindable
{
    public async Task Set(string text, int count)
    {
        state.State.Text = text;
        state.State.Count = count;
        await state.WriteStateAsync();
    }

    public Task<CounterState> Get() => Task.FromResult(state.State);

    public Task<string?> GetETag() => Task.FromResult(state.Etag);

    public Task RegisterReminder(string name) =>
        this.RegisterOrUpdateReminder(name, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(10));

    public async Task<bool> HasReminder(string name) => await this.GetReminder(name) is not null;

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}
