package io.nutsgate.support;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.springframework.test.annotation.DirtiesContext;

/**
 * For a test class whose application context no other class can reuse (it points at a devnet, a stand-in or a setting
 * of its own): the context is closed when the class ends instead of staying in Spring's test context cache for the
 * rest of the run, where its indexer, schedulers and pools would keep working (an indexer polling a devnet that is
 * gone retries every few seconds until the JVM exits).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
public @interface UniqueContext {}
