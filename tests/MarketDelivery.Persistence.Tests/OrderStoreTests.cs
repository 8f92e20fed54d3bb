using System.Collections.Immutable;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Markets;
using MarketDelivery.Domain.Orders;
using MarketDelivery.Persistence.Orders;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.Serialization;

namespace MarketDelivery.Persistence.Tests;

/// <summary>
/// The order store on each backend: an order and its ticket rows are written together under the order's ETag, the
/// views (stall list, market board, dispatch feed) read them back, and a stale writer changes nothing.
/// </summary>
public sealed class OrderStoreTests(MigratedPostgresDatabase postgres) : IClassFixture<MigratedPostgresDatabase>, IAsyncLifetime
{
    private static readonly Lazy<MarketCatalog> Catalog = new(() => SeedDataLoader.Load(SeedDataLoader.FindDataDirectory()));
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 10, 30, 0, TimeSpan.FromHours(9));
    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(b => b.AddAssembly(typeof(Order).Assembly).AddAssembly(typeof(OrderSummary).Assembly))
        .BuildServiceProvider().GetRequiredService<Serializer>();

    private readonly string _sqliteFile = Path.Combine(Path.GetTempPath(), $"md-orderstore-{Guid.NewGuid():N}.db");
    private NpgsqlDataSource? _dataSource;

    public async Task InitializeAsync()
    {
        await new SchemaMigrator().MigrateAsync(DatabaseKind.Sqlite, PersistenceOptions.SqliteConnectionString(_sqliteFile));
        _dataSource = NpgsqlDataSource.Create(postgres.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_sqliteFile);
    }

    public static TheoryData<string> Backends => ["postgres", "sqlite", "memory"];

    private OrderStore Store(string backend, string serviceId) => backend switch
    {
        "postgres" => new PostgresOrderStore(_dataSource!, serviceId, Serializer),
        "sqlite" => new SqliteOrderStore(PersistenceOptions.SqliteConnectionString(_sqliteFile), serviceId, Serializer),
        _ => new MemoryOrderStore(Serializer),
    };

    [Theory, MemberData(nameof(Backends))]
    public async Task An_order_and_its_tickets_are_stored_together_and_read_by_every_view(string backend)
    {
        var store = Store(backend, $"svc-{Guid.NewGuid():N}");
        var order = NewOrder("together");
        var etag = await Write(store, order, expected: null);
        Assert.Equal(1, etag);

        var stored = await store.ReadAsync(order.OrderId, default);
        Assert.NotNull(stored);
        Assert.Equal(order.OrderId, store.Read<Order>(stored.State).OrderId);

        foreach (var ticket in order.Tickets)
        {
            var list = await store.TicketsOfStallAsync(ticket.StallId, PickTicketStatus.Open, Now.AddDays(-7));
            Assert.Equal(ticket.TicketId, Assert.Single(list).TicketId);
        }

        Assert.Equal(order.OrderId, Assert.Single(await store.OrdersOfMarketAsync("mangwon", null, Now.AddDays(-2))).OrderId);
        var live = await store.LiveOrdersOfMarketAsync("mangwon");
        Assert.Single(live.Orders);
        var changes = await store.ChangesOfMarketAsync("mangwon", 0);
        Assert.Equal(order.OrderId, Assert.Single(changes.Orders).OrderId);
        Assert.Equal(live.Position, changes.Position);
        Assert.Empty((await store.ChangesOfMarketAsync("mangwon", changes.Position)).Orders);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task A_writer_with_a_stale_etag_changes_nothing(string backend)
    {
        var store = Store(backend, $"svc-{Guid.NewGuid():N}");
        var order = NewOrder("stale");
        Assert.Equal(1, await Write(store, order, expected: null));

        var cancelled = NewOrder("stale");
        Assert.Null(cancelled.Cancel("by a stale writer", Now));
        Assert.Null(await Write(store, cancelled, expected: null)); // the row exists: a first write is refused
        Assert.Null(await Write(store, cancelled, expected: 7));    // a wrong ETag is refused

        Assert.All(order.Tickets, t => Assert.NotEmpty(store.TicketsOfStallAsync(t.StallId, PickTicketStatus.Open, Now).Result));
        Assert.Equal(OrderStatus.Placed, Assert.Single(await store.OrdersOfMarketAsync("mangwon", null, Now)).Status);

        Assert.Equal(2, await Write(store, cancelled, expected: 1));
        Assert.All(order.Tickets, t => Assert.Empty(store.TicketsOfStallAsync(t.StallId, PickTicketStatus.Open, Now).Result));
        Assert.Empty((await store.LiveOrdersOfMarketAsync("mangwon")).Orders);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Finished_orders_leave_the_live_list_and_later_the_board(string backend)
    {
        var store = Store(backend, $"svc-{Guid.NewGuid():N}");
        var order = NewOrder("finished");
        await Write(store, order, expected: null);
        Assert.Null(order.Cancel("customer changed their mind", Now));
        await Write(store, order, expected: 1);

        Assert.Empty((await store.LiveOrdersOfMarketAsync("mangwon")).Orders);
        Assert.Single(await store.OrdersOfMarketAsync("mangwon", null, order.SlotEnd.AddDays(-2)));
        Assert.Empty(await store.OrdersOfMarketAsync("mangwon", null, order.SlotEnd.AddMinutes(1)));
        Assert.Empty(await store.OrdersOfMarketAsync("mangwon", "another-slot", order.SlotEnd.AddDays(-2)));
        Assert.Single((await store.ChangesOfMarketAsync("mangwon", 0)).Orders);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Services_sharing_a_database_do_not_see_each_other(string backend)
    {
        if (backend == "memory")
        {
            return; // one store per silo: nothing is shared
        }

        var one = Store(backend, $"svc-{Guid.NewGuid():N}");
        var other = Store(backend, $"svc-{Guid.NewGuid():N}");
        await Write(one, NewOrder("isolated"), expected: null);
        Assert.Empty(await other.OrdersOfMarketAsync("mangwon", null, Now));
        Assert.Null(await other.ReadAsync(NewOrder("isolated").OrderId, default));
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task A_customers_orders_are_read_newest_first_a_page_at_a_time(string backend)
    {
        var store = Store(backend, $"svc-{Guid.NewGuid():N}");
        // Two pairs share an instant (one of them below a microsecond), so the order id must break the ties.
        DateTimeOffset[] placed = [Now, Now.AddMinutes(1), Now.AddMinutes(1), Now.AddMinutes(2).AddTicks(3), Now.AddMinutes(2).AddTicks(3)];
        var orders = placed.Select((at, i) => NewOrder($"history-{i}", "customer-h", at)).ToList();
        foreach (var order in orders)
        {
            await Write(store, order, expected: null);
        }

        await Write(store, NewOrder("someone-else", "customer-x", Now.AddMinutes(3)), expected: null);
        Assert.Null(orders[1].Cancel("changed my mind", Now.AddMinutes(4)));
        await Write(store, orders[1], expected: 1); // a later write keeps it once, with its new status

        var expected = orders.OrderByDescending(o => o.PlacedAt).ThenByDescending(o => o.OrderId, StringComparer.Ordinal).Select(o => o.OrderId).ToList();
        var pages = new List<CustomerOrdersPage>();
        OrderCursor? before = null;
        do
        {
            var page = await store.OrdersOfCustomerAsync("customer-h", before, 2);
            pages.Add(page);
            before = page.Next is null ? null : OrderCursor.TryParse(page.Next, out var cursor) ? cursor : throw new InvalidOperationException(page.Next);
        }
        while (before is not null && pages.Count < 10);

        Assert.Equal([2, 2, 1], pages.Select(p => p.Orders.Length));
        Assert.Equal(expected, pages.SelectMany(p => p.Orders).Select(o => o.OrderId));
        var cancelled = pages.SelectMany(p => p.Orders).Single(o => o.OrderId == orders[1].OrderId);
        Assert.Equal((OrderStatus.Cancelled, 0L, "mangwon", "2026-11-23-1300", Now.AddMinutes(1)),
            (cancelled.Status, cancelled.ChargedTotalWon, cancelled.MarketId, cancelled.SlotId, cancelled.PlacedAt));
        var open = pages[0].Orders[0];
        Assert.Equal((OrderStatus.Placed, 2 * 2400L + 5000), (open.Status, open.ChargedTotalWon));

        Assert.Equal(orders.Count, (await store.OrdersOfCustomerAsync("customer-h", null, 100)).Orders.Length);
        Assert.Null((await store.OrdersOfCustomerAsync("customer-h", null, 5)).Next);
        Assert.Empty((await store.OrdersOfCustomerAsync("nobody", null, 10)).Orders);
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task A_stalls_takings_sum_what_its_confirmed_tickets_charge_for_the_day_without_cancelled_orders(string backend)
    {
        var store = Store(backend, $"svc-{Guid.NewGuid():N}");
        var chaeso = Catalog.Value.FindStall("mangwon-chaeso")!.Value.Stall;
        async Task<Order> Confirmed(string key, int daepa)
        {
            var order = NewOrder(key);
            await Write(store, order, expected: null);
            var ticket = order.Tickets.Single(t => t.StallId == chaeso.Id).TicketId;
            Assert.True(order.ConfirmTicket(chaeso.Id, ticket, [new PickConfirmation("daepa", daepa)], chaeso, Now).Succeeded);
            await Write(store, order, expected: 1);
            return order;
        }

        await Confirmed("short", 1);        // 2,400
        await Confirmed("full", 2);         // 4,800
        var cancelled = await Confirmed("cancelled", 2);
        Assert.Null(cancelled.Cancel("changed my mind", Now));
        await Write(store, cancelled, expected: 2);
        await Write(store, NewOrder("open"), expected: null);

        // 2026-11-23 in Seoul: the 13:00 slot's day.
        var day = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.FromHours(9));
        Assert.Equal((2, 2400L + 4800), await store.TakingsOfStallAsync(chaeso.Id, day, day.AddDays(1)));
        Assert.Equal((0, 0L), await store.TakingsOfStallAsync(chaeso.Id, day.AddDays(1), day.AddDays(2)));
        Assert.Equal((0, 0L), await store.TakingsOfStallAsync("mangwon-gwail", day, day.AddDays(1)));
    }

    [Theory, MemberData(nameof(Backends))]
    public async Task Slot_counts_are_booked_orders_without_cancelled_ones_and_the_delivered_among_them(string backend)
    {
        var store = Store(backend, $"svc-{Guid.NewGuid():N}");
        await Write(store, NewOrder("open"), expected: null);
        var delivered = NewOrder("delivered");
        await Write(store, delivered, expected: null);
        // The state machine's own moves, without the couriers' checks: only the stored status matters here.
        foreach (var status in new[] { OrderStatus.Picking, OrderStatus.ReadyForPickup, OrderStatus.OutForDelivery, OrderStatus.Delivered })
        {
            Assert.Null(delivered.TryMoveTo(status, null, Now));
        }

        await Write(store, delivered, expected: 1);
        var cancelled = NewOrder("cancelled");
        await Write(store, cancelled, expected: null);
        Assert.Null(cancelled.Cancel("changed my mind", Now));
        await Write(store, cancelled, expected: 1);

        var day = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.FromHours(9));
        var counts = await store.SlotCountsOfMarketAsync("mangwon", day, day.AddDays(1));
        var slot = Assert.Single(counts);
        Assert.Equal(("2026-11-23-1300", delivered.SlotStart, 2, 1), (slot.SlotId, slot.SlotStart, slot.Booked, slot.Delivered));
        Assert.Empty(await store.SlotCountsOfMarketAsync("mangwon", day.AddDays(1), day.AddDays(2)));
        Assert.Empty(await store.SlotCountsOfMarketAsync("amsa", day, day.AddDays(1)));
    }

    private static Task<int?> Write(OrderStore store, Order order, int? expected)
    {
        var (row, tickets) = store.RowsOf(order, Serializer.SerializeToArray(order));
        return store.WriteAsync(row, tickets, expected, default);
    }

    private static Order NewOrder(string key, string customerId = "customer-1", DateTimeOffset? placedAt = null)
    {
        var command = new PlaceOrder(customerId, "mangwon", new DeliveryAddress(37.556, 126.9063, "서울 마포구 망원동 123-4"), "2026-11-23-1300",
            [
                new OrderLineRequest("mangwon-chaeso", "daepa", 2, Substitution.None),
                new OrderLineRequest("mangwon-gwail", "gamgyul", 1, new Substitution(SubstitutionKind.BestMatch)),
            ],
            key);
        var validated = OrderPlacement.Validate(Catalog.Value, command, Now);
        Assert.True(validated.Value is not null, validated.Error?.Detail);
        return Order.Create(OrderIds.FromIdempotencyKey(command.CustomerId, key), validated.Value, placedAt ?? Now);
    }
}
