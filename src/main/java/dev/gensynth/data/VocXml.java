package dev.gensynth.data;

import dev.gensynth.UserError;
import java.io.IOException;
import java.nio.file.Path;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * The XML side of {@link VocDetection}: a parser safe for files from anywhere, and element lookups that
 * turn a missing or malformed element into a {@link UserError} naming the file and the object.
 */
final class VocXml {
    private VocXml() {
    }

    static Element parse(Path xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            // annotation files come from anywhere: no DOCTYPE, so no external entity or DTD is ever fetched
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new DefaultHandler() {
                @Override
                public void fatalError(SAXParseException e) throws SAXException {
                    throw e; // instead of the default's print to stderr
                }
            });
            return b.parse(xml.toFile()).getDocumentElement();
        } catch (SAXParseException e) {
            throw new UserError(xml + " is not well-formed XML at line " + e.getLineNumber() + ", column "
                    + e.getColumnNumber() + ": " + e.getMessage() + " Fix the file (VOC annotations are plain XML "
                    + "without a DOCTYPE).", e);
        } catch (SAXException | IOException e) {
            throw new UserError("cannot read " + xml + " (" + e.getMessage() + ")", e);
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser lacks a standard feature", e);
        }
    }

    /**
     * The first child element {@code tag} of {@code e}, or null. Direct children only: labelme nests an empty
     * {@code <annotation/>} inside {@code <annotation>}, and a deep search would find VOC's {@code <part>}s' boxes.
     */
    static Element child(Element e, String tag) {
        for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
            if (c instanceof Element x && x.getTagName().equals(tag)) {
                return x;
            }
        }
        return null;
    }

    static Element required(Element e, String tag, Path xml, String what) {
        Element c = child(e, tag);
        if (c == null || text(c).isEmpty()) {
            throw new UserError(xml + ": " + what + " has no " + (c == null ? "" : "value in its ") + "<" + tag
                    + "> inside <" + e.getTagName() + ">; VOC annotations give it, add it.");
        }
        return c;
    }

    static String text(Element e) {
        return e == null ? "" : e.getTextContent().strip();
    }

    static double number(Element e, Path xml, String what) {
        String s = text(e);
        try {
            double v = Double.parseDouble(s);
            if (Double.isFinite(v)) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below, with the element's name
        }
        throw new UserError(xml + ": " + what + " has <" + e.getTagName() + ">" + s + "</" + e.getTagName()
                + ">, which is not a number.");
    }
}
