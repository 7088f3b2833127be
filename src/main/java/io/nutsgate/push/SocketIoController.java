package io.nutsgate.push;

import io.socket.engineio.server.EngineIoServer;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;

/**
 * Socket.IO's long-polling transport ({@code GET}/{@code POST /socket.io/?EIO=4&transport=polling…}), answered by the
 * engine asynchronously; CORS is the REST API's. WebSocket upgrades of the same path never reach here: Tomcat's
 * WebSocket filter takes them to {@link EngineIoEndpoint}.
 */
@Controller
@Hidden
class SocketIoController {

    private final EngineIoServer engine;

    SocketIoController(EngineIoServer engine) {
        this.engine = engine;
    }

    @RequestMapping(
            value = SocketIoConfiguration.PATH,
            method = {RequestMethod.GET, RequestMethod.POST})
    void poll(HttpServletRequest request, HttpServletResponse response) throws IOException {
        engine.handleRequest(request, response);
    }
}
