/* Video cards in blog posts (compagnon/news/rendering.py).
 *
 * The page ships a plain link to the video and no third-party request. Only when
 * the reader presses play do we build the player iframe, on the privacy-friendly
 * host (youtube-nocookie.com, player.vimeo.com with dnt=1). The address is built
 * here from the provider and a strictly checked id, never taken from the page.
 */
(function () {
  "use strict";

  var PLAYERS = {
    youtube: {
      id: /^[A-Za-z0-9_-]{6,20}$/,
      url: function (id, start) {
        return "https://www.youtube-nocookie.com/embed/" + id + "?autoplay=1&rel=0" +
          (start ? "&start=" + start : "");
      }
    },
    vimeo: {
      id: /^[0-9]{1,12}$/,
      url: function (id, start) {
        return "https://player.vimeo.com/video/" + id + "?autoplay=1&dnt=1" +
          (start ? "#t=" + start + "s" : "");
      }
    }
  };

  function play(card, link) {
    var player = PLAYERS[card.getAttribute("data-video-provider")];
    var id = card.getAttribute("data-video-id") || "";
    var start = card.getAttribute("data-video-start") || "";
    if (!player || !player.id.test(id) || !/^[0-9]*$/.test(start)) {
      return false;
    }
    var titleNode = card.querySelector(".video-card-title");
    var frame = document.createElement("iframe");
    frame.src = player.url(id, start);
    frame.title = titleNode ? titleNode.textContent : "Video";
    frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    frame.allowFullscreen = true;
    // The site sends Referrer-Policy: same-origin; YouTube refuses to play without one.
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.className = "video-card-frame";
    var holder = document.createElement("div");
    holder.className = "video-card-player";
    holder.appendChild(frame);
    link.replaceWith(holder);
    card.classList.add("is-playing");
    frame.focus();
    return true;
  }

  function setUp(root) {
    var cards = root.querySelectorAll("figure.video-card[data-video-provider][data-video-id]");
    Array.prototype.forEach.call(cards, function (card) {
      var link = card.querySelector("a.video-card-link");
      if (!link || link.getAttribute("data-video-ready")) {
        return;
      }
      link.setAttribute("data-video-ready", "1");
      link.setAttribute("role", "button");
      link.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button === 1) {
          return; // opening in a new tab: let the link do it
        }
        if (play(card, link)) {
          event.preventDefault();
        }
      });
      link.addEventListener("keydown", function (event) {
        // role=button: Space activates it like a button.
        if (event.key === " " && play(card, link)) {
          event.preventDefault();
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  } else {
    setUp(document);
  }
  // Live previews (HTMX) bring new cards in.
  document.addEventListener("htmx:afterSwap", function (event) { setUp(event.target); });
})();
