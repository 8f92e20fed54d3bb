using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;
using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization;

namespace MarketDelivery.Persistence.Orders;

/// <summary>
/// The order store on PostgreSQL. A write is one statement (one round trip, atomic): the order row is upserted
/// only if its ETag matches, and the ticket rows are upserted from the order row's result, so they are written
/// exactly when the order is.
/// </summary>
public sealed class PostgresOrderStore(NpgsqlDataSource dataSource, string serviceId, Serializer serializer) : OrderStore(serializer)
{
    private const string WriteSql = """
        WITH o AS (
            INSERT INTO md_orders AS t
                (service_id, order_id, market_id, slot_id, slot_start, slot_end, live, closed, version, etag, seq, updated_at, state, summary,
                 customer_id, placed_at, cancelled)
            SELECT @service, @order, @market, @slot, @slot_start, @slot_end, @live, @closed, @version, 1, nextval('md_orders_seq'),
                   @updated, @state, @summary, @customer, @placed, @order_cancelled
            WHERE @expected::integer IS NULL
               OR EXISTS (SELECT 1 FROM md_orders e WHERE e.service_id = @service AND e.order_id = @order)
            ON CONFLICT (service_id, order_id) DO UPDATE
                SET market_id = EXCLUDED.market_id, slot_id = EXCLUDED.slot_id, slot_start = EXCLUDED.slot_start,
                    slot_end = EXCLUDED.slot_end, live = EXCLUDED.live, closed = EXCLUDED.closed, version = EXCLUDED.version,
                    etag = t.etag + 1, seq = EXCLUDED.seq, updated_at = EXCLUDED.updated_at, state = EXCLUDED.state,
                    summary = EXCLUDED.summary, customer_id = EXCLUDED.customer_id, placed_at = EXCLUDED.placed_at,
                    cancelled = EXCLUDED.cancelled
                WHERE t.etag = @expected
            RETURNING t.etag
        ),
        k AS (
            INSERT INTO md_tickets AS k
                (service_id, ticket_id, order_id, stall_id, status, slot_start, slot_end, created_at, version, view, charged_won, order_cancelled)
            SELECT @service, x.ticket_id, @order, x.stall_id, x.status, @slot_start, @slot_end, x.created_at, x.version, x.view,
                   x.charged_won, @cancelled
            FROM o, unnest(@ticket_ids, @stall_ids, @statuses, @created, @versions, @views, @charged)
                 AS x(ticket_id, stall_id, status, created_at, version, view, charged_won)
            ON CONFLICT (service_id, ticket_id) DO UPDATE
                SET status = EXCLUDED.status, slot_start = EXCLUDED.slot_start, slot_end = EXCLUDED.slot_end,
                    version = EXCLUDED.version, view = EXCLUDED.view, charged_won = EXCLUDED.charged_won,
                    order_cancelled = EXCLUDED.order_cancelled
                WHERE k.version < EXCLUDED.version
        )
        SELECT etag FROM o
        """;

    internal override async Task<StoredState?> ReadAsync(string orderId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT state, etag FROM md_orders WHERE service_id = @service AND order_id = @order");
        command.Parameters.AddWithValue("service", serviceId);
        command.Parameters.AddWithValue("order", orderId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new StoredState((byte[])reader[0], reader.GetInt32(1)) : null;
    }

    internal override async Task<int?> WriteAsync(OrderRow order, IReadOnlyList<TicketRow> tickets, int? expectedETag, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(WriteSql);
        var p = command.Parameters;
        p.AddWithValue("service", serviceId);
        p.AddWithValue("order", order.OrderId);
        p.AddWithValue("market", order.MarketId);
        p.AddWithValue("slot", order.SlotId);
        p.AddWithValue("slot_start", order.SlotStart.UtcDateTime);
        p.AddWithValue("slot_end", order.SlotEnd.UtcDateTime);
        p.AddWithValue("live", order.Live);
        p.AddWithValue("closed", order.Closed);
        p.AddWithValue("version", order.Version);
        p.AddWithValue("updated", order.UpdatedAt.UtcDateTime);
        p.AddWithValue("state", order.State);
        p.AddWithValue("summary", order.Summary);
        p.AddWithValue("customer", order.CustomerId);
        p.AddWithValue("placed", order.PlacedAt.UtcDateTime);
        p.AddWithValue("order_cancelled", order.Cancelled);
        p.Add(new NpgsqlParameter<int?>("expected", NpgsqlDbType.Integer) { TypedValue = expectedETag });
        p.Add(new NpgsqlParameter<string[]>("ticket_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. tickets.Select(t => t.TicketId)] });
        p.Add(new NpgsqlParameter<string[]>("stall_ids", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. tickets.Select(t => t.StallId)] });
        p.Add(new NpgsqlParameter<short[]>("statuses", NpgsqlDbType.Array | NpgsqlDbType.Smallint) { TypedValue = [.. tickets.Select(t => (short)t.Status)] });
        p.Add(new NpgsqlParameter<DateTime[]>("created", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = [.. tickets.Select(t => t.CreatedAt.UtcDateTime)] });
        p.Add(new NpgsqlParameter<int[]>("versions", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. tickets.Select(t => t.Version)] });
        p.Add(new NpgsqlParameter<byte[][]>("views", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { TypedValue = [.. tickets.Select(t => t.View)] });
        p.Add(new NpgsqlParameter<long[]>("charged", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. tickets.Select(t => t.ChargedWon)] });
        p.AddWithValue("cancelled", tickets.Any(t => t.OrderCancelled));
        return await command.ExecuteScalarAsync(cancellationToken) is int etag ? etag : null;
    }

    internal override async Task<bool> DeleteAsync(string orderId, int? expectedETag, CancellationToken cancellationToken)
    {
        if (expectedETag is null)
        {
            return true;
        }

        await using var command = dataSource.CreateCommand("""
            WITH o AS (DELETE FROM md_orders WHERE service_id = @service AND order_id = @order AND etag = @expected RETURNING order_id),
                 k AS (DELETE FROM md_tickets WHERE service_id = @service AND order_id IN (SELECT order_id FROM o))
            SELECT count(*) FROM o
            """);
        command.Parameters.AddWithValue("service", serviceId);
        command.Parameters.AddWithValue("order", orderId);
        command.Parameters.AddWithValue("expected", expectedETag.Value);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
    }

    protected override async Task<IReadOnlyList<byte[]>> ReadStallTicketsAsync(string stallId, PickTicketStatus? status, DateTimeOffset closedSince, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT view FROM md_tickets
            WHERE service_id = @service AND stall_id = @stall AND (@status::smallint IS NULL OR status = @status)
              AND (status = 0 OR slot_end >= @since)
            ORDER BY slot_start, created_at, ticket_id
            """);
        command.Parameters.AddWithValue("service", serviceId);
        command.Parameters.AddWithValue("stall", stallId);
        command.Parameters.Add(new NpgsqlParameter<short?>("status", NpgsqlDbType.Smallint) { TypedValue = (short?)status });
        command.Parameters.AddWithValue("since", closedSince.UtcDateTime);
        return await ReadBlobsAsync(command, cancellationToken);
    }

    protected override async Task<IReadOnlyList<byte[]>> ReadMarketOrdersAsync(string marketId, string? slotId, DateTimeOffset finishedSince, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT summary FROM md_orders
            WHERE service_id = @service AND market_id = @market AND (@slot::text IS NULL OR slot_id = @slot)
              AND (NOT closed OR slot_end >= @since)
            ORDER BY slot_start, order_id
            """);
        command.Parameters.AddWithValue("service", serviceId);
        command.Parameters.AddWithValue("market", marketId);
        command.Parameters.Add(new NpgsqlParameter<string?>("slot", NpgsqlDbType.Text) { TypedValue = slotId });
        command.Parameters.AddWithValue("since", finishedSince.UtcDateTime);
        return await ReadBlobsAsync(command, cancellationToken);
    }

    internal override async Task<(IReadOnlyList<byte[]> Summaries, long Position)> ReadLiveOrdersAsync(string marketId, CancellationToken cancellationToken)
    {
        // The position is read first: a change written between the two reads is read again later, never missed.
        await using var batch = dataSource.CreateBatch();
        batch.BatchCommands.Add(MarketCommand("SELECT coalesce(max(seq), 0) FROM md_orders WHERE service_id = $1 AND market_id = $2", marketId));
        batch.BatchCommands.Add(MarketCommand("SELECT summary FROM md_orders WHERE service_id = $1 AND market_id = $2 AND live", marketId));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var position = reader.GetInt64(0);
        await reader.NextResultAsync(cancellationToken);
        var summaries = new List<byte[]>();
        while (await reader.ReadAsync(cancellationToken))
        {
            summaries.Add((byte[])reader[0]);
        }

        return (summaries, position);
    }

    private NpgsqlBatchCommand MarketCommand(string sql, string marketId) =>
        new(sql) { Parameters = { new NpgsqlParameter<string>{ TypedValue = serviceId }, new NpgsqlParameter<string> { TypedValue = marketId } } };

    internal override async Task<(int Tickets, long TakingsWon)> ReadTakingsAsync(string stallId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT count(*), coalesce(sum(charged_won), 0)::bigint FROM md_tickets
            WHERE service_id = @service AND stall_id = @stall AND status = 1 AND slot_start >= @from AND slot_start < @to
              AND NOT order_cancelled
            """);
        command.Parameters.AddWithValue("service", serviceId);
        command.Parameters.AddWithValue("stall", stallId);
        command.Parameters.AddWithValue("from", from.UtcDateTime);
        command.Parameters.AddWithValue("to", to.UtcDateTime);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ((int)reader.GetInt64(0), reader.GetInt64(1));
    }

    internal override async Task<IReadOnlyList<SlotOrderCount>> ReadSlotCountsAsync(string marketId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        // A range of ix_md_orders_market_slot; one row per slot comes back.
        await using var command = dataSource.CreateCommand("""
            SELECT slot_id, min(slot_start), count(*) FILTER (WHERE NOT cancelled), count(*) FILTER (WHERE closed AND NOT cancelled)
            FROM md_orders
            WHERE service_id = @service AND market_id = @market AND slot_start >= @from AND slot_start < @to
            GROUP BY slot_id
            """);
        command.Parameters.AddWithValue("service", serviceId);
        command.Parameters.AddWithValue("market", marketId);
        command.Parameters.AddWithValue("from", from.UtcDateTime);
        command.Parameters.AddWithValue("to", to.UtcDateTime);
        var counts = new List<SlotOrderCount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(new SlotOrderCount(reader.GetString(0), new DateTimeOffset(reader.GetDateTime(1), TimeSpan.Zero), (int)reader.GetInt64(2), (int)reader.GetInt64(3)));
        }

        return counts;
    }

    internal override async Task<IReadOnlyList<byte[]>> ReadCustomerOrdersAsync(string customerId, OrderCursor? before, int limit, CancellationToken cancellationToken)
    {
        // A range of ix_md_orders_customer: the row comparison walks the index from the cursor, newest first.
        await using var command = dataSource.CreateCommand("""
            SELECT summary FROM md_orders
            WHERE service_id = @service AND customer_id = @customer
              AND (@before_at::timestamptz IS NULL OR (placed_at, order_id) < (@before_at, @before_id))
            ORDER BY placed_at DESC, order_id DESC
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("service", serviceId);
        command.Parameters.AddWithValue("customer", customerId);
        command.Parameters.Add(new NpgsqlParameter<DateTime?>("before_at", NpgsqlDbType.TimestampTz) { TypedValue = before?.PlacedAt.UtcDateTime });
        command.Parameters.Add(new NpgsqlParameter<string>("before_id", NpgsqlDbType.Text) { TypedValue = before?.OrderId ?? "" });
        command.Parameters.AddWithValue("limit", limit);
        return await ReadBlobsAsync(command, cancellationToken);
    }

    internal override async Task<IReadOnlyList<FeedRow>> ReadChangesAsync(string marketId, long after, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT summary, seq FROM md_orders
            WHERE service_id = @service AND market_id = @market AND seq > @after
            ORDER BY seq LIMIT @limit
            """);
        command.Parameters.AddWithValue("service", serviceId);
        command.Parameters.AddWithValue("market", marketId);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("limit", limit);
        var rows = new List<FeedRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new FeedRow((byte[])reader[0], reader.GetInt64(1)));
        }

        return rows;
    }

    private static async Task<IReadOnlyList<byte[]>> ReadBlobsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var blobs = new List<byte[]>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            blobs.Add((byte[])reader[0]);
        }

        return blobs;
    }
}
