using System.Globalization;
using MarketDelivery.Domain.Orders;
using Orleans.Runtime;
using Orleans.Storage;

namespace MarketDelivery.Persistence.Orders;

/// <summary>
/// Grain storage for order grains (<c>[PersistentState("order", "orders")]</c>): writes the order and its views
/// in one transaction through an <see cref="OrderStore"/>. A stored order is therefore already on its stalls' ticket
/// lists and its market's board, whatever happens after the write; nothing has to be fanned out for them.
/// </summary>
public sealed class OrderGrainStorage(OrderStore store) : IGrainStorage
{
    public const string Name = "orders";

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = await store.ReadAsync(OrderId(grainId), CancellationToken.None);
        if (stored is null)
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
            return;
        }

        grainState.State = store.Read<T>(stored.State);
        grainState.ETag = stored.ETag.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.State is not Order order || !order.IsPlaced)
        {
            throw new InvalidOperationException($"The '{Name}' storage keeps placed orders only; {grainId} wrote {typeof(T).Name}.");
        }

        var (row, tickets) = store.RowsOf(order, store.Serializer.SerializeToArray(grainState.State));
        var etag = await store.WriteAsync(row, tickets, ParseETag(grainState.ETag), CancellationToken.None)
                   ?? throw new InconsistentStateException($"Order {order.OrderId} was written by someone else since it was read.", grainState.ETag, "unknown");
        grainState.ETag = etag.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (!await store.DeleteAsync(OrderId(grainId), ParseETag(grainState.ETag), CancellationToken.None))
        {
            throw new InconsistentStateException($"Order {grainId} was written by someone else since it was read.", grainState.ETag, "unknown");
        }

        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
    }

    private static string OrderId(GrainId grainId) => grainId.Key.ToString()!;

    private static int? ParseETag(string? etag) => etag is null ? null : int.Parse(etag, CultureInfo.InvariantCulture);
}
