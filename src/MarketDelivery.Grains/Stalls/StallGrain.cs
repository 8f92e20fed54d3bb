using System.Collections.Immutable;
using MarketDelivery.Domain;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Contracts.Push;
using MarketDelivery.Contracts.Stalls;

namespace MarketDelivery.Grains.Stalls;

/// <summary>The stall's persisted view of its pick tickets, keyed by ticket id.</summary>
[GenerateSerializer, Alias("md.StallState")]
public sealed class StallState
{
    [Id(0)] public Dictionary<string, PickTicketView> Tickets { get; set; } = [];
}

/// <summary>
/// A stall's tablet view. Orders push their tickets here and the merchant's tablets get them live; the stall
/// never calls back into an order, so the two can never wait on each other.
/// </summary>
public sealed class StallGrain(
    [PersistentState("stall", "stalls")] IPersistentState<StallState> state,
    MarketClock clock,
    IPushNotifier push) : Grain, IStallGrain
{
    /// <summary>Finished tickets are kept this long for the tablet's history, then dropped.</summary>
    private static readonly TimeSpan KeepClosedTickets = TimeSpan.FromDays(7);

    public async Task TicketChanged(PickTicketView ticket)
    {
        if (state.State.Tickets.TryGetValue(ticket.TicketId, out var held) && held.Version >= ticket.Version)
        {
            return;
        }

        state.State.Tickets[ticket.TicketId] = ticket;
        DropOldClosedTickets();
        await state.WriteStateAsync();
        await push.PublishAsync(PushGroups.Stall(this.GetPrimaryKeyString()), PushEvents.PickTicket, ticket);
    }

    public Task<ImmutableArray<PickTicketView>> GetTickets(PickTicketStatus? status) =>
        Task.FromResult(state.State.Tickets.Values
            .Where(t => status is null || t.Status == status)
            .OrderBy(t => t.SlotStart).ThenBy(t => t.CreatedAt).ThenBy(t => t.TicketId, StringComparer.Ordinal)
            .ToImmutableArray());

    private void DropOldClosedTickets()
    {
        var horizon = clock.GetUtcNow() - KeepClosedTickets;
        foreach (var old in state.State.Tickets.Values.Where(t => t.Status != PickTicketStatus.Open && t.SlotEnd < horizon).ToList())
        {
            state.State.Tickets.Remove(old.TicketId);
        }
    }
}
