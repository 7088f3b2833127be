package io.nutsgate.orders;

import io.nutsgate.common.CachedRead;
import io.nutsgate.common.RenderedJson;
import org.springframework.stereotype.Component;

/** The unfiltered {@code GET /nuts/orders}, answered from the book's stored bytes before Spring MVC. */
@Component
class CachedOrders implements CachedRead {

    private final OrderBook book;

    CachedOrders(OrderBook book) {
        this.book = book;
    }

    @Override
    public String path() {
        return "/nuts/orders";
    }

    @Override
    public RenderedJson cached() {
        return book.cached(OrderFilter.ANY);
    }
}
