using System.Globalization;
using MarketDelivery.Contracts.Orders;
using MarketDelivery.Domain.Orders;
using Microsoft.Data.Sqlite;
using Orleans.Serialization;

namespace MarketDelivery.Persistence.Orders;

/// <summary>
/// The order store in the embedded SQLite file. A write is one immediate transaction (SQLite has one writer at a
/// time), so the ETag check, the order row and its ticket rows are atomic. Feed positions come from the highest
/// position stored, which is safe because writes are serialised.
/// </summary>
public sealed class SqliteOrderStore(string connectionString, string serviceId, Serializer serializer) : OrderStore(serializer)
{
    internal override async Task<StoredState?> ReadAsync(string orderId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, "SELECT state, etag FROM md_orders WHERE service_id = @service AND order_id = @order");
        command.Parameters.AddWithValue("@order", orderId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new StoredState((byte[])reader[0], reader.GetInt32(1)) : null;
    }

    internal override async Task<int?> WriteAsync(OrderRow order, IReadOnlyList<TicketRow> tickets, int? expectedETag, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        var stored = await CurrentETagAsync(connection, transaction, order.OrderId, cancellationToken);
        if (stored != expectedETag)
        {
            return null;
        }

        await using (var upsert = Command(connection, """
            INSERT INTO md_orders (service_id, order_id, market_id, slot_id, slot_start, slot_end, live, closed, version, etag, seq, updated_at, state, summary,
                                   customer_id, placed_at, cancelled)
            VALUES (@service, @order, @market, @slot, @slot_start, @slot_end, @live, @closed, @version, @etag,
                    (SELECT coalesce(max(seq), 0) + 1 FROM md_orders WHERE service_id = @service), @updated, @state, @summary,
                    @customer, @placed, @order_cancelled)
            ON CONFLICT (service_id, order_id) DO UPDATE
                SET market_id = excluded.market_id, slot_id = excluded.slot_id, slot_start = excluded.slot_start,
                    slot_end = excluded.slot_end, live = excluded.live, closed = excluded.closed, version = excluded.version,
                    etag = excluded.etag, seq = excluded.seq, updated_at = excluded.updated_at, state = excluded.state,
                    summary = excluded.summary, customer_id = excluded.customer_id, placed_at = excluded.placed_at,
                    cancelled = excluded.cancelled
            """, transaction))
        {
            var p = upsert.Parameters;
            p.AddWithValue("@order", order.OrderId);
            p.AddWithValue("@market", order.MarketId);
            p.AddWithValue("@slot", order.SlotId);
            p.AddWithValue("@slot_start", Text(order.SlotStart));
            p.AddWithValue("@slot_end", Text(order.SlotEnd));
            p.AddWithValue("@live", order.Live);
            p.AddWithValue("@closed", order.Closed);
            p.AddWithValue("@version", order.Version);
            p.AddWithValue("@etag", (stored ?? 0) + 1);
            p.AddWithValue("@updated", Text(order.UpdatedAt));
            p.AddWithValue("@state", order.State);
            p.AddWithValue("@summary", order.Summary);
            p.AddWithValue("@customer", order.CustomerId);
            p.AddWithValue("@placed", Text(order.PlacedAt));
            p.AddWithValue("@order_cancelled", order.Cancelled);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var ticket in tickets)
        {
            await using var upsert = Command(connection, """
                INSERT INTO md_tickets (service_id, ticket_id, order_id, stall_id, status, slot_start, slot_end, created_at, version, view,
                                        charged_won, order_cancelled)
                VALUES (@service, @ticket, @order, @stall, @status, @slot_start, @slot_end, @created, @version, @view, @charged, @cancelled)
                ON CONFLICT (service_id, ticket_id) DO UPDATE
                    SET status = excluded.status, slot_start = excluded.slot_start, slot_end = excluded.slot_end,
                        version = excluded.version, view = excluded.view, charged_won = excluded.charged_won,
                        order_cancelled = excluded.order_cancelled
                    WHERE md_tickets.version < excluded.version
                """, transaction);
            var p = upsert.Parameters;
            p.AddWithValue("@ticket", ticket.TicketId);
            p.AddWithValue("@order", order.OrderId);
            p.AddWithValue("@stall", ticket.StallId);
            p.AddWithValue("@status", (int)ticket.Status);
            p.AddWithValue("@slot_start", Text(order.SlotStart));
            p.AddWithValue("@slot_end", Text(order.SlotEnd));
            p.AddWithValue("@created", Text(ticket.CreatedAt));
            p.AddWithValue("@version", ticket.Version);
            p.AddWithValue("@view", ticket.View);
            p.AddWithValue("@charged", ticket.ChargedWon);
            p.AddWithValue("@cancelled", ticket.OrderCancelled);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (stored ?? 0) + 1;
    }

    internal override async Task<bool> DeleteAsync(string orderId, int? expectedETag, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: false);
        if (await CurrentETagAsync(connection, transaction, orderId, cancellationToken) != expectedETag)
        {
            return false;
        }

        await using var delete = Command(connection, """
            DELETE FROM md_tickets WHERE service_id = @service AND order_id = @order;
            DELETE FROM md_orders WHERE service_id = @service AND order_id = @order;
            """, transaction);
        delete.Parameters.AddWithValue("@order", orderId);
        await delete.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    protected override async Task<IReadOnlyList<byte[]>> ReadStallTicketsAsync(string stallId, PickTicketStatus? status, DateTimeOffset closedSince, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT view FROM md_tickets
            WHERE service_id = @service AND stall_id = @stall AND (@status IS NULL OR status = @status)
              AND (status = 0 OR slot_end >= @since)
            ORDER BY slot_start, created_at, ticket_id
            """);
        command.Parameters.AddWithValue("@stall", stallId);
        command.Parameters.AddWithValue("@status", status is null ? DBNull.Value : (int)status);
        command.Parameters.AddWithValue("@since", Text(closedSince));
        return (await ReadAllAsync(command, r => (byte[])r[0], cancellationToken));
    }

    protected override async Task<IReadOnlyList<byte[]>> ReadMarketOrdersAsync(string marketId, string? slotId, DateTimeOffset finishedSince, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT summary FROM md_orders
            WHERE service_id = @service AND market_id = @market AND (@slot IS NULL OR slot_id = @slot)
              AND (closed = 0 OR slot_end >= @since)
            ORDER BY slot_start, order_id
            """);
        command.Parameters.AddWithValue("@market", marketId);
        command.Parameters.AddWithValue("@slot", (object?)slotId ?? DBNull.Value);
        command.Parameters.AddWithValue("@since", Text(finishedSince));
        return await ReadAllAsync(command, r => (byte[])r[0], cancellationToken);
    }

    internal override async Task<(IReadOnlyList<byte[]> Summaries, long Position)> ReadLiveOrdersAsync(string marketId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: true);
        await using var position = Command(connection, "SELECT coalesce(max(seq), 0) FROM md_orders WHERE service_id = @service AND market_id = @market", transaction);
        position.Parameters.AddWithValue("@market", marketId);
        var at = (long)(await position.ExecuteScalarAsync(cancellationToken))!;
        await using var live = Command(connection, "SELECT summary FROM md_orders WHERE service_id = @service AND market_id = @market AND live = 1", transaction);
        live.Parameters.AddWithValue("@market", marketId);
        return (await ReadAllAsync(live, r => (byte[])r[0], cancellationToken), at);
    }

    internal override async Task<(int Tickets, long TakingsWon)> ReadTakingsAsync(string stallId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT count(*), coalesce(sum(charged_won), 0) FROM md_tickets
            WHERE service_id = @service AND stall_id = @stall AND status = 1 AND slot_start >= @from AND slot_start < @to
              AND order_cancelled = 0
            """);
        command.Parameters.AddWithValue("@stall", stallId);
        command.Parameters.AddWithValue("@from", Text(from));
        command.Parameters.AddWithValue("@to", Text(to));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return ((int)reader.GetInt64(0), reader.GetInt64(1));
    }

    internal override async Task<IReadOnlyList<SlotOrderCount>> ReadSlotCountsAsync(string marketId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT slot_id, min(slot_start), sum(cancelled = 0), sum(closed = 1 AND cancelled = 0)
            FROM md_orders
            WHERE service_id = @service AND market_id = @market AND slot_start >= @from AND slot_start < @to
            GROUP BY slot_id
            """);
        command.Parameters.AddWithValue("@market", marketId);
        command.Parameters.AddWithValue("@from", Text(from));
        command.Parameters.AddWithValue("@to", Text(to));
        var counts = new List<SlotOrderCount>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            counts.Add(new SlotOrderCount(reader.GetString(0), DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                (int)reader.GetInt64(2), (int)reader.GetInt64(3)));
        }

        return counts;
    }

    internal override async Task<IReadOnlyList<byte[]>> ReadCustomerOrdersAsync(string customerId, OrderCursor? before, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT summary FROM md_orders
            WHERE service_id = @service AND customer_id = @customer
              AND (@before_at IS NULL OR (placed_at, order_id) < (@before_at, @before_id))
            ORDER BY placed_at DESC, order_id DESC
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("@customer", customerId);
        command.Parameters.AddWithValue("@before_at", before is null ? DBNull.Value : Text(before.PlacedAt));
        command.Parameters.AddWithValue("@before_id", before?.OrderId ?? "");
        command.Parameters.AddWithValue("@limit", limit);
        return await ReadAllAsync(command, r => (byte[])r[0], cancellationToken);
    }

    internal override async Task<IReadOnlyList<FeedRow>> ReadChangesAsync(string marketId, long after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = Command(connection, """
            SELECT summary, seq FROM md_orders
            WHERE service_id = @service AND market_id = @market AND seq > @after
            ORDER BY seq LIMIT @limit
            """);
        command.Parameters.AddWithValue("@market", marketId);
        command.Parameters.AddWithValue("@after", after);
        command.Parameters.AddWithValue("@limit", limit);
        return await ReadAllAsync(command, r => new FeedRow((byte[])r[0], r.GetInt64(1)), cancellationToken);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private SqliteCommand Command(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        command.Parameters.AddWithValue("@service", serviceId);
        return command;
    }

    private async Task<int?> CurrentETagAsync(SqliteConnection connection, SqliteTransaction transaction, string orderId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, "SELECT etag FROM md_orders WHERE service_id = @service AND order_id = @order", transaction);
        command.Parameters.AddWithValue("@order", orderId);
        return await command.ExecuteScalarAsync(cancellationToken) is long etag ? (int)etag : null;
    }

    private static async Task<IReadOnlyList<T>> ReadAllAsync<T>(SqliteCommand command, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    /// <summary>UTC with a fixed width, so text order is time order.</summary>
    private static string Text(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
