package io.nutsgate.pages;

import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/** The static pages under {@code static/demo} and {@code static/dashboard}, reachable without {@code index.html}. */
@Controller
class PagesController {

    @GetMapping({"/demo", "/demo/"})
    String demo() {
        return "forward:/demo/index.html";
    }

    @GetMapping({"/dashboard", "/dashboard/"})
    String dashboard() {
        return "forward:/dashboard/index.html";
    }
}
